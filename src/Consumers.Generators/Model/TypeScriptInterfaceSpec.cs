namespace Consumers.Generators.Model;

/// <summary>A DTO as a TypeScript interface of the generated client's declarations.</summary>
/// <param name="Name">The interface name (the C# type name; <c>PageOfRoomDto</c> for a generic).</param>
/// <param name="Members">The JSON members in declaration order, base class members after.</param>
internal sealed record TypeScriptInterfaceSpec(string Name, EquatableArray<TypeScriptMemberSpec> Members);

/// <summary>One member of a <see cref="TypeScriptInterfaceSpec"/>.</summary>
/// <param name="Name">The JSON name, as the context's naming policy or <c>[JsonPropertyName]</c> writes it.</param>
/// <param name="Type">The TypeScript type expression, with <c>| null</c> when the member is nullable.</param>
internal sealed record TypeScriptMemberSpec(string Name, string Type);
