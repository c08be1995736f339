using System.Collections.Generic;
using System.Linq;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Reads the <c>[ConsumerFilter]</c> attributes of a consumer class (own and inherited, base first) or of an action
/// (with those of the methods it overrides), and reports types that are not filters (CONS0060) on the declaration that
/// names them.
/// </summary>
internal static class FilterParser
{
    /// <summary>The class's filters, its bases' first.</summary>
    public static EquatableArray<FilterSpec> ForClass(INamedTypeSymbol consumer, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var type = consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            chain.Insert(0, type);
        }

        return Read(chain.Select(t => (t.GetAttributes(), SymbolEqualityComparer.Default.Equals(t, consumer))), consumer.Name, known, diagnostics);
    }

    /// <summary>The action's filters, those of the methods it overrides first.</summary>
    public static EquatableArray<FilterSpec> ForMethod(IMethodSymbol method, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var chain = new List<IMethodSymbol>();
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            chain.Insert(0, current);
        }

        return Read(chain.Select(m => (m.GetAttributes(), SymbolEqualityComparer.Default.Equals(m, method))), method.Name, known, diagnostics);
    }

    private static EquatableArray<FilterSpec> Read(IEnumerable<(System.Collections.Immutable.ImmutableArray<AttributeData> Attributes, bool Own)> chain, string target, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        var filters = new List<FilterSpec>();
        foreach (var (attributes, own) in chain)
        {
            foreach (var attribute in attributes.Where(a => KnownTypes.Is(a.AttributeClass, known.ConsumerFilterAttribute)))
            {
                filters.AddRange(AttributeTypes.Read(attribute, known.ConsumerFilter, DiagnosticDescriptors.FilterTypeNotAFilter, target, own ? diagnostics : null)
                    .Select(static t => new FilterSpec(t.Type, t.Construct)));
            }
        }

        return filters.ToEquatableArray();
    }
}
