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
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public sealed class JsonContextAttribute : Attribute
{
    /// <summary>Names the context type.</summary>
    /// <param name="contextType">A class deriving from <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</param>
    public JsonContextAttribute(Type contextType) => ContextType = contextType;

    /// <summary>The context type.</summary>
    public Type ContextType { get; }
}
