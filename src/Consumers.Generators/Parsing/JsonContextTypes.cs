using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The types a <c>JsonSerializerContext</c> has metadata for: its <c>[JsonSerializable]</c> roots and what
/// System.Text.Json's generator reaches from them (public property types, element types of collections and
/// arrays, dictionary values, the underlying type of <c>Nullable&lt;T&gt;</c>).
/// </summary>
internal sealed class JsonContextTypes
{
    private readonly HashSet<ITypeSymbol> _types = new(SymbolEqualityComparer.Default);

    private JsonContextTypes()
    {
    }

    public static JsonContextTypes From(INamedTypeSymbol context, KnownTypes known)
    {
        var result = new JsonContextTypes();
        foreach (var attribute in context.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, known.JsonSerializableAttribute) &&
                attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is ITypeSymbol root)
            {
                result.Walk(root);
            }
        }

        return result;
    }

    public bool Contains(ITypeSymbol type) => _types.Contains(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated))
        || _types.Contains(type);

    private void Walk(ITypeSymbol type)
    {
        type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (!_types.Add(type))
        {
            return;
        }

        if (type is IArrayTypeSymbol array)
        {
            Walk(array.ElementType);
            return;
        }

        if (type is not INamedTypeSymbol named)
        {
            return;
        }

        foreach (var argument in named.TypeArguments)
        {
            // Nullable<T>, List<T>, Dictionary<K, V>, ...: STJ generates metadata for the arguments.
            Walk(argument);
        }

        if (named.SpecialType != SpecialType.None || KnownTypes.IsSystem(named))
        {
            return;
        }

        foreach (var property in AllMembers(named).OfType<IPropertySymbol>())
        {
            if (!property.IsStatic && property.DeclaredAccessibility == Accessibility.Public && !property.IsIndexer)
            {
                Walk(property.Type);
            }
        }
    }

    private static IEnumerable<ISymbol> AllMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                yield return member;
            }
        }
    }
}
