using System.Text.Json;
using System.Text.Json.Serialization;
using Consumers;
using Consumers.Security;

namespace Consumers.Tests.Consumers;

/// <summary>The Channels tutorial's frame: <c>{"message": "..."}</c> both ways.</summary>
public sealed record PlainChatMessage(string Message);

/// <summary>Required members are required: a frame without <c>message</c> does not bind.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(PlainChatMessage))]
[JsonSerializable(typeof(PlainNote))]
public sealed partial class PlainJsonContext : JsonSerializerContext;

/// <summary>
/// A plain JSON consumer (Channels' <c>JsonWebsocketConsumer</c>): every frame goes to <see cref="OnMessage"/>.
/// <c>boom</c> throws, <c>echo:x</c> answers the sender only (after a yield, so order is the runtime's), anything else
/// goes to the room's group.
/// </summary>
[ConsumerGroups("plain:{room}")]
[JsonContext(typeof(PlainJsonContext))]
[Permission(typeof(NotMuted))]
public sealed partial class PlainChatConsumer : Consumer
{
    [Receive]
    public async Task OnMessage(PlainChatMessage message, CancellationToken cancellationToken)
    {
        if (message.Message == "boom")
        {
            throw new InvalidOperationException("The handler failed on purpose.");
        }

        if (message.Message.StartsWith("echo:", StringComparison.Ordinal))
        {
            await Task.Yield();
            Send(new PlainChatMessage(message.Message[5..]), PlainJsonContext.Default.PlainChatMessage);
            return;
        }

        await SendToGroupAsync("plain:" + Context.RouteValues["room"], message, PlainJsonContext.Default.PlainChatMessage, cancellationToken: cancellationToken);
    }
}

/// <summary>A plain consumer whose handler takes any JSON object and returns ValueTask.</summary>
public sealed partial class PlainElementConsumer : Consumer
{
    [Receive]
    public ValueTask Receive(System.Text.Json.JsonElement message)
    {
        Send(new PlainChatMessage(message.GetRawText()), PlainJsonContext.Default.PlainChatMessage);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Denies plain messages (the permission sees the action "receive") to connections opened with <c>?muted</c>.</summary>
public sealed class NotMuted : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context)
        => ValueTask.FromResult(context.Action != "receive" || !context.Context.HttpContext.Request.Query.ContainsKey("muted"));
}

/// <summary>A message whose converter answers null for an object without <c>text</c>, as a custom converter may.</summary>
[JsonConverter(typeof(PlainNoteConverter))]
public sealed record PlainNote(string Text);

public sealed class PlainNoteConverter : JsonConverter<PlainNote>
{
    public override PlainNote? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        return element.TryGetProperty("text", out var text) ? new PlainNote(text.GetString() ?? "") : null;
    }

    public override void Write(Utf8JsonWriter writer, PlainNote value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("text", value.Text);
        writer.WriteEndObject();
    }
}

/// <summary>A plain consumer of <see cref="PlainNote"/>: echoes each note.</summary>
[JsonContext(typeof(PlainJsonContext))]
public sealed partial class PlainNoteConsumer : Consumer
{
    [Receive]
    public void OnNote(PlainNote note) => Send(note, PlainJsonContext.Default.PlainNote);
}
