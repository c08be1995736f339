namespace Consumers;

/// <summary>
/// Names the <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> that supplies the
/// source-generated serialization metadata for a consumer's DTO parameters and results.
/// </summary>
/// <remarks>
/// <para>Primitive parameters and results (strings, numbers, <see cref="bool"/>, <see cref="Guid"/>, dates,
/// <see cref="System.Text.Json.JsonElement"/> and their nullable forms) need no context: the generated binder
/// reads them with <see cref="System.Text.Json.Utf8JsonReader"/> directly. Every other type must be reachable
/// from the context's <c>[JsonSerializable]</c> list (as a root, or as a property or element type of one);
/// the generator checks this at compile time and reports <c>CONS0013</c> when a type is missing.</para>
/// <para>Put it on the consumer class, or once on the assembly for every consumer in it.</para>
/// <para>On the wire, DTO property names are snake_case (<c>JsonNamingPolicy.SnakeCaseLower</c>, DCRF's convention)
/// whatever the context's <c>PropertyNamingPolicy</c>; <c>[JsonPropertyName]</c> names stay as written. Set
/// <see cref="KeepContextPropertyNames"/> to use the context's names instead. Either way a <c>null</c> for a
/// non-nullable member (System.Text.Json's <c>RespectNullableAnnotations</c>), or a missing non-nullable reference-type
/// constructor parameter without a default or <c>required</c> member, is refused with 400 naming the key.</para>
/// <para>In an application that allows reflection-based JSON (no <c>PublishAot</c>, <c>PublishTrimmed</c>,
/// <c>IsAotCompatible</c>, <c>IsTrimmable</c>, and <c>JsonSerializerIsReflectionEnabledByDefault</c> not false), a
/// type the context does not list, or any DTO when no context is named, is serialized by reflection with the same
/// wire settings, and the generator warns (<c>CONS0055</c>); otherwise it is an error (<c>CONS0012</c>, <c>CONS0013</c>).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public sealed class JsonContextAttribute : Attribute
{
    /// <summary>Names the context type.</summary>
    /// <param name="contextType">A class deriving from <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</param>
    public JsonContextAttribute(Type contextType) => ContextType = contextType;

    /// <summary>The context type.</summary>
    public Type ContextType { get; }

    /// <summary>
    /// True to put DTO properties on the wire under the names the context's own naming policy gives them (PascalCase
    /// when it has none) instead of snake_case. Read by the generator at compile time: the generated clients and the
    /// AsyncAPI document describe the same names. Default: false.
    /// </summary>
    public bool KeepContextPropertyNames { get; set; }
}
