using System.Linq;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes a consumer's authorization data: the class-level <c>SecurityRequirements</c> (checked at the handshake)
/// and one static field per action that has attributes, which its binder hands to <c>ActionInvocation.InvokeAsync</c>
/// once the arguments are bound (permissions see them).
/// </summary>
internal static class SecurityEmitter
{
    private const string Requirements = "global::Consumers.Security.SecurityRequirements";

    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.Security is { } security)
        {
            w.WriteLine();
            w.WriteLine("/// <summary>The consumer's [Authorize], [AllowAnonymous] and [Permission] attributes, read at compile time.</summary>");
            w.WriteLine($"static {Requirements} global::Consumers.Dispatch.IConsumerFactory<{spec.FullyQualifiedName}>.Security {{ get; }} = {Create(security)};");
        }

        foreach (var action in spec.Actions.Where(a => a.Security is not null))
        {
            w.WriteLine();
            w.WriteLine($"private static readonly {Requirements} {FieldName(action)} = {Create(action.Security!)};");
        }
    }

    /// <summary>The static field of an action's requirements, which its binder hands to <c>ActionInvocation.InvokeAsync</c>.</summary>
    public static string FieldName(ActionSpec action) => "__Security_" + ConsumerEmitter.InvokerName(action).Substring("__Invoke_".Length);

    private static string Create(SecuritySpec security)
    {
        var authorize = string.Join(", ", security.Authorize.Select(a =>
        {
            var members = new[] { ("Policy", a.Policy), ("Roles", a.Roles), ("AuthenticationSchemes", a.Schemes) }
                .Where(m => m.Item2 is not null)
                .Select(m => $"{m.Item1} = {SymbolDisplay.FormatLiteral(m.Item2!, quote: true)}");
            return "new global::Microsoft.AspNetCore.Authorization.AuthorizeAttribute { " + string.Join(", ", members) + " }";
        }));
        var permissions = string.Join(", ", security.Permissions.Select(p => p.Construct
            ? $"global::Consumers.Security.PermissionSource.Of(new {p.Type}())"
            : $"global::Consumers.Security.PermissionSource.FromServices<{p.Type}>()"));
        var allowAnonymous = security.AllowAnonymous ? "true" : "false";
        return $"new {Requirements}({Array("global::Microsoft.AspNetCore.Authorization.IAuthorizeData", authorize)}, {allowAnonymous}, {Array("global::Consumers.Security.PermissionSource", permissions)})";
    }

    private static string Array(string type, string items)
        => items.Length == 0 ? $"global::System.Array.Empty<{type}>()" : $"new {type}[] {{ {items} }}";
}
