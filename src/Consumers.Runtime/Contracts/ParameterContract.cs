using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Contracts;

/// <summary>One request key of an <see cref="ActionContract"/>.</summary>
/// <param name="Key">The wire name (snake_case of the parameter name), e.g. <c>room_id</c>.</param>
/// <param name="Type">The metadata the binder reads the value with (the underlying type of a nullable value type).</param>
/// <param name="Required">Whether a request without the key is refused with 400 (not nullable and no default).</param>
/// <param name="Nullable">Whether a JSON <c>null</c> is accepted.</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record ParameterContract(string Key, JsonTypeInfo Type, bool Required, bool Nullable);
