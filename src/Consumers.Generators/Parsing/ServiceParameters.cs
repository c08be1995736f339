using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Which action parameters are services from the connection's DI scope rather than request keys: those marked
/// <c>[FromServices]</c> (ASP.NET Core's attribute) and those whose type is an interface or an abstract class, except
/// the types that are data (collection interfaces, System.Text.Json's <c>JsonNode</c>, polymorphic DTO bases).
/// </summary>
internal static class ServiceParameters
{
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
}
