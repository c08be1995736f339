namespace Consumers.Generators.Model;

/// <summary>How one action parameter gets its value.</summary>
/// <param name="Kind">Framework value, primitive read by the binder, or DTO through the JSON context.</param>
/// <param name="Key">The request key (snake_case of the parameter name).</param>
/// <param name="Type">The <c>global::</c> type of the local, with <c>?</c> when nullable.</param>
/// <param name="Reader">Primitive: the <c>JsonArgument.TryReadX</c> method; framework: the invocation member; service: <c>GetRequiredService</c> or <c>GetService</c>.</param>
/// <param name="ReaderType">Primitive: the type the reader produces (the underlying type of a nullable value type).</param>
/// <param name="Error">Primitive: the <c>ProtocolErrors</c> constant for a wrong type.</param>
/// <param name="AcceptsNull">Whether a JSON <c>null</c> is a valid value.</param>
/// <param name="Required">Whether a request without the key is refused.</param>
/// <param name="DefaultValue">The C# expression of the initial value.</param>
/// <param name="Json">DTO: the member holding the <c>JsonTypeInfo</c>.</param>
/// <param name="Validator">DTO with DataAnnotations: the generated method that validates it, or null.</param>
internal sealed record ParameterSpec(
    ParameterKind Kind,
    string Key,
    string Type,
    string? Reader,
    string? ReaderType,
    string? Error,
    bool AcceptsNull,
    bool Required,
    string DefaultValue,
    string? Json,
    string? Validator = null)
{
    /// <summary>Whether the value comes from a request key (a primitive or a DTO), as opposed to the framework or DI.</summary>
    public bool IsRequestKey => Kind is ParameterKind.Primitive or ParameterKind.Json;
}

/// <summary>Where a parameter's value comes from.</summary>
internal enum ParameterKind
{
    Framework,
    Primitive,
    Json,

    /// <summary>From the connection's DI scope (<c>Reader</c>: <c>GetRequiredService</c> or <c>GetService</c>).</summary>
    Service,
}
