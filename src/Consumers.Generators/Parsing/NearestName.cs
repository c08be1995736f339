using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The near miss of a misspelt name among the names that would have been valid: the same name in another case first,
/// else the nearest by edit distance (Levenshtein, case-insensitive), at most a third of the name's length and at
/// least 2 apart; ties go to the ordinal first. Named in the diagnostics' messages (CONS0031, CONS0034, CONS0048) and
/// applied by the CONS0031 code fix, so the message and the fix always agree.
/// </summary>
internal static class NearestName
{
    /// <summary>The closest of <paramref name="candidates"/> to <paramref name="name"/>, or null when none is close.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        var list = candidates.Distinct(StringComparer.Ordinal).ToList();
        var sameIgnoringCase = list.Where(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase)).OrderBy(m => m, StringComparer.Ordinal).FirstOrDefault();
        if (sameIgnoringCase is not null)
        {
            return sameIgnoringCase;
        }

        var limit = Math.Max(2, name.Length / 3);
        var upper = name.ToUpperInvariant();
        return list
            .Select(m => (Member: m, Distance: Distance(upper, m.ToUpperInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Member, StringComparer.Ordinal)
            .Select(c => c.Member)
            .FirstOrDefault();
    }

    /// <summary>
    /// The names a group template placeholder may use: the public instance properties (with a getter, no indexers)
    /// and fields of <paramref name="type"/> and its bases, in declaration order, each once.
    /// </summary>
    public static List<string> TemplateMembers(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (IsTemplateMember(member) && !names.Contains(member.Name))
                {
                    names.Add(member.Name);
                }
            }
        }

        return names;
    }

    /// <summary>Whether a placeholder may name <paramref name="member"/>: a public instance property with a getter (not an indexer) or field.</summary>
    public static bool IsTemplateMember(ISymbol member)
        => !member.IsStatic && member.DeclaredAccessibility == Accessibility.Public &&
            member is IPropertySymbol { IsIndexer: false, GetMethod: not null } or IFieldSymbol { IsImplicitlyDeclared: false };

    /// <summary>The names of the methods declared on <paramref name="type"/> and its bases (no accessors, operators or constructors).</summary>
    public static IEnumerable<string> MethodNames(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var method in current.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.MethodKind == MethodKind.Ordinary && !method.IsImplicitlyDeclared)
                {
                    yield return method.Name;
                }
            }
        }
    }

    /// <summary>Levenshtein distance, two rows.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
