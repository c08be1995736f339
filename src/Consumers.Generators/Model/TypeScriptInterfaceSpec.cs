namespace Consumers.Generators.Model;

/// <summary>A DTO as a TypeScript interface of the generated client's declarations.</summary>
/// <param name="Name">The interface name (the C# type name; <c>PageOfRoomDto</c> for a generic).</param>
/// <param name="Members">The JSON members in declaration order, base class members after.</param>
internal sealed record TypeScriptInterfaceSpec(string Name, EquatableArray<TypeScriptMemberSpec> Members);

/// <summary>One member of a <see cref="TypeScriptInterfaceSpec"/>.</summary>
/// <param name="Name">The JSON name, as the context's naming policy or <c>[JsonPropertyName]</c> writes it.</param>
/// <param name="Type">The TypeScript type expression, with <c>| null</c> when the member is nullable.</param>
/// <param name="Required">
/// Whether the server requires it when it reads the DTO (a <c>required</c> or <c>[JsonRequired]</c> member, or a
/// constructor parameter of a non-nullable reference type without a default, as the wire's JSON options bind them).
/// </param>
internal sealed record TypeScriptMemberSpec(string Name, string Type, bool Required = false);
