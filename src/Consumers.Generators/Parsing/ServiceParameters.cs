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
    private const string FromServicesAttribute = "Microsoft.AspNetCore.Mvc.FromServicesAttribute";

    public static bool IsService(IParameterSymbol parameter)
    {
        if (parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == FromServicesAttribute))
        {
            return true;
        }

        var type = parameter.Type;
        if (type.TypeKind != TypeKind.Interface && !(type.TypeKind == TypeKind.Class && type.IsAbstract))
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        if (ns.StartsWith("System.Collections", System.StringComparison.Ordinal) || ns.StartsWith("System.Text.Json", System.StringComparison.Ordinal))
        {
            return false;
        }

        // An abstract DTO with [JsonPolymorphic] / [JsonDerivedType] is data.
        return !type.GetAttributes().Any(a => a.AttributeClass?.ContainingNamespace?.ToDisplayString() == "System.Text.Json.Serialization" &&
            a.AttributeClass.Name is "JsonPolymorphicAttribute" or "JsonDerivedTypeAttribute");
    }
}
