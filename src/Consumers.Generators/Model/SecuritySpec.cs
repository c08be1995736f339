namespace Consumers.Generators.Model;

/// <summary>The <c>[Authorize]</c>, <c>[AllowAnonymous]</c> and <c>[Permission]</c> attributes of a consumer class or an action.</summary>
/// <param name="Authorize">The <c>[Authorize]</c> attributes.</param>
/// <param name="AllowAnonymous">Whether <c>[AllowAnonymous]</c> is present.</param>
/// <param name="Permissions">The permission types, in order.</param>
internal sealed record SecuritySpec(EquatableArray<AuthorizeSpec> Authorize, bool AllowAnonymous, EquatableArray<PermissionSpec> Permissions);

/// <summary>One <c>[Authorize]</c> attribute.</summary>
/// <param name="Policy">The policy name, or null.</param>
/// <param name="Roles">The comma-separated roles, or null.</param>
/// <param name="Schemes">The comma-separated authentication schemes, or null.</param>
internal sealed record AuthorizeSpec(string? Policy, string? Roles, string? Schemes);

/// <summary>One permission type.</summary>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="Construct">Whether it is created once with <c>new</c> (public parameterless constructor) rather than resolved from DI.</param>
internal sealed record PermissionSpec(string Type, bool Construct);
