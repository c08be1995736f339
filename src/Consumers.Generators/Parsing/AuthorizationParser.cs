using System.Collections.Generic;
using System.Linq;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Reads the authorization attributes of a consumer class or an action into a <see cref="SecuritySpec"/>, so
/// the runtime evaluates them without reflection, and reports <c>[Permission]</c> types that are not permissions.
/// </summary>
internal static class AuthorizationParser
{
    /// <summary>
    /// The class's own attributes and those inherited from its bases (all three attributes are <c>Inherited</c>).
    /// Only the class's own attributes are reported on: a base reports its own when it is parsed.
    /// </summary>
    public static SecuritySpec? ForClass(INamedTypeSymbol consumer, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var attributes = new List<(AttributeData Attribute, bool Report)>();
        for (var type = consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            var own = SymbolEqualityComparer.Default.Equals(type, consumer);
            attributes.AddRange(type.GetAttributes().Select(a => (a, own)));
        }

        return Read(attributes, consumer.Name, known, diagnostics);
    }

    /// <summary>The action's attributes, including those of the base methods it overrides.</summary>
    public static SecuritySpec? ForMethod(IMethodSymbol method, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var attributes = new List<(AttributeData Attribute, bool Report)>();
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            var own = SymbolEqualityComparer.Default.Equals(current, method);
            attributes.AddRange(current.GetAttributes().Select(a => (a, own)));
        }

        return Read(attributes, method.Name, known, diagnostics);
    }

    private static SecuritySpec? Read(List<(AttributeData Attribute, bool Report)> attributes, string target, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var authorize = new List<AuthorizeSpec>();
        var permissions = new List<PermissionSpec>();
        var allowAnonymous = false;
        foreach (var (attribute, report) in attributes)
        {
            if (KnownTypes.Is(attribute.AttributeClass, known.AuthorizeAttribute))
            {
                authorize.Add(ReadAuthorize(attribute));
            }
            else if (KnownTypes.Is(attribute.AttributeClass, known.AllowAnonymousAttribute))
            {
                allowAnonymous = true;
            }
            else if (KnownTypes.Is(attribute.AttributeClass, known.PermissionAttribute))
            {
                ReadPermissions(attribute, target, known, report ? diagnostics : null, permissions);
            }
        }

        // An action with only [AllowAnonymous] needs no check at all.
        return authorize.Count == 0 && permissions.Count == 0
            ? null
            : new SecuritySpec(authorize.ToEquatableArray(), allowAnonymous, permissions.ToEquatableArray());
    }

    private static AuthorizeSpec ReadAuthorize(AttributeData attribute)
    {
        var policy = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        string? roles = null, schemes = null;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Policy":
                    policy = named.Value.Value as string;
                    break;
                case "Roles":
                    roles = named.Value.Value as string;
                    break;
                case "AuthenticationSchemes":
                    schemes = named.Value.Value as string;
                    break;
            }
        }

        return new AuthorizeSpec(policy, roles, schemes);
    }

    private static void ReadPermissions(AttributeData attribute, string target, KnownTypes known, List<DiagnosticInfo>? diagnostics, List<PermissionSpec> permissions)
        => permissions.AddRange(AttributeTypes.Read(attribute, known.Permission, DiagnosticDescriptors.PermissionTypeNotAPermission, target, diagnostics)
            .Select(static t => new PermissionSpec(t.Type, t.Construct)));
}
