namespace Consumers.Generators.Model;

/// <summary>The generated DataAnnotations check of one DTO type (as <c>Validator.TryValidateObject</c> with every property, plus nested DTOs).</summary>
/// <param name="Method">The generated method's name.</param>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="Members">The properties with rules or nested DTOs.</param>
/// <param name="TypeRules">C# expressions of the type's own <c>ValidationAttribute</c>s.</param>
/// <param name="ValidatableObject">Whether the type implements <c>IValidatableObject</c>.</param>
/// <param name="DisplayName">The type's name in messages.</param>
/// <param name="WireNames">Every public property as <c>(C# name, wire name)</c>, for results of the object as a whole that name members.</param>
internal sealed record ValidatorSpec(string Method, string Type, EquatableArray<ValidatedMemberSpec> Members, EquatableArray<string> TypeRules, bool ValidatableObject, string DisplayName, EquatableArray<WireNameSpec> WireNames);

/// <summary>A property's C# name and wire name.</summary>
internal sealed record WireNameSpec(string Name, string WireName);

/// <summary>One validated property.</summary>
/// <param name="Name">The C# property name.</param>
/// <param name="WireName">Its key on the wire (the key of its errors).</param>
/// <param name="DisplayName">The name in messages (<c>[Display(Name)]</c>, <c>[DisplayName]</c>, else the property name), as DataAnnotations' <c>Validator</c> uses it.</param>
/// <param name="Rules">C# expressions of its <c>ValidationAttribute</c>s, <c>[Required]</c> first.</param>
/// <param name="Nested">The validator method of the value's type (or of its elements' when <paramref name="Collection"/>), or null.</param>
/// <param name="Collection">Whether the value is a collection whose elements are validated, errors by index.</param>
internal sealed record ValidatedMemberSpec(string Name, string WireName, string DisplayName, EquatableArray<string> Rules, string? Nested, bool Collection);
