using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Which action parameters are services from the connection's DI scope rather than request keys: those marked
/// <c>[FromServices]</c> (ASP.NET Core's attribute) and those whose type is an interface or an abstract class, except
/// the types that are data (collection interfaces, System.Text.Json's <c>JsonNode</c>, polymorphic DTO bases). The
/// generator cannot see what is registered in DI, so the rule is by declaration alone: a concrete class parameter is request
/// data (a DTO bound from the request's keys) unless it is marked <c>[FromServices]</c>.
/// </summary>
internal static class ServiceParameters
{
    private static readonly string[] s_serviceSuffixes = { "Service", "Repository", "Context" };

    public static bool IsService(IParameterSymbol parameter, KnownTypes known)
    {
        if (KnownTypes.HasAttribute(parameter, known.FromServicesAttribute))
        {
            return true;
        }

        var type = parameter.Type;
        if (type.TypeKind != TypeKind.Interface && !(type.TypeKind == TypeKind.Class && type.IsAbstract))
        {
            return false;
        }

        if (KnownTypes.IsCollectionOrJson(type))
        {
            return false;
        }

        // An abstract DTO with [JsonPolymorphic] / [JsonDerivedType] is data.
        return !KnownTypes.HasAttribute(type, known.JsonPolymorphicAttribute) && !KnownTypes.HasAttribute(type, known.JsonDerivedTypeAttribute);
    }

    /// <summary>
    /// Whether a concrete class without JSON metadata looks like a service rather than a DTO, so that CONS0012 / CONS0013
    /// also suggest <c>[FromServices]</c>: its name ends in Service, Repository or Context (a <c>DbContext</c>), or it is no
    /// record and has no public parameterless constructor (services take their dependencies in their constructor).
    /// </summary>
    public static bool LooksLikeService(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } named || KnownTypes.IsSystem(named))
        {
            return false;
        }

        if (s_serviceSuffixes.Any(suffix => named.Name.EndsWith(suffix, System.StringComparison.Ordinal)))
        {
            return true;
        }

        return !named.IsRecord && !named.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0);
    }
}
