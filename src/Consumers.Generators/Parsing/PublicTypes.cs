using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>Whether a type can appear in a public signature of another assembly: it, its containers and type arguments are public.</summary>
internal static class PublicTypes
{
    public static bool IsPublic(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsPublic(array.ElementType),
        ITypeParameterSymbol => false,
        INamedTypeSymbol named => IsPublicContainer(named) && named.TypeArguments.All(IsPublic),
        _ => false,
    };

    private static bool IsPublicContainer(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }
}
