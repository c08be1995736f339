namespace Consumers.Observers;

/// <summary>The wire names of <see cref="ModelAction"/>: DCRF's <c>create</c>, <c>update</c>, <c>delete</c>.</summary>
internal static class ModelActions
{
    public static string ToWire(ModelAction action) => action switch
    {
        ModelAction.Create => "create",
        ModelAction.Update => "update",
        _ => "delete",
    };

    public static ReadOnlySpan<byte> ToToken(ModelAction action) => action switch
    {
        ModelAction.Create => "\"create\""u8,
        ModelAction.Update => "\"update\""u8,
        _ => "\"delete\""u8,
    };

    public static ModelAction? FromWire(string? wire) => wire switch
    {
        "create" => ModelAction.Create,
        "update" => ModelAction.Update,
        "delete" => ModelAction.Delete,
        _ => null,
    };
}
