using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>
/// Walks a pipeline value (every field of records and structs, tuples, array and EquatableArray items) and
/// lists every place that holds a Roslyn object which would pin a compilation in the generator's cache.
/// </summary>
internal static class BannedTypeWalker
{
    private const int MaxDepth = 32;

    public static IReadOnlyList<string> FindBannedValues(object? value, string root = "value")
    {
        var found = new List<string>();
        Walk(value, root, 0, found, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return found;
    }

    private static string MemberName(FieldInfo field)
        => field.Name.StartsWith('<') && field.Name.IndexOf('>') is > 1 and var end ? field.Name[1..end] : field.Name;

    private static string? BannedKind(object value) => value switch
    {
        ISymbol => nameof(ISymbol),
        SyntaxNode => nameof(SyntaxNode),
        SyntaxTree => nameof(SyntaxTree),
        Location => nameof(Location),
        Compilation => nameof(Compilation),
        SemanticModel => nameof(SemanticModel),
        // Syntax tokens and trivia are structs holding their tree.
        SyntaxToken => nameof(SyntaxToken),
        SyntaxTrivia => nameof(SyntaxTrivia),
        _ => null,
    };

    private static void Walk(object? value, string path, int depth, List<string> found, HashSet<object> visited)
    {
        if (value is null || value is string || value is Type || value.GetType().IsPrimitive || value.GetType().IsEnum || value is decimal)
        {
            return;
        }

        if (BannedKind(value) is { } kind)
        {
            found.Add($"{path} is {kind} ({value.GetType().Name})");
            return;
        }

        if (depth > MaxDepth)
        {
            found.Add($"{path} nests deeper than {MaxDepth} levels; the walk cannot prove it clean");
            return;
        }

        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{index++}]", depth + 1, found, visited);
            }

            return;
        }

        // Every instance field, private ones included (a record's properties are its backing fields), so that
        // nothing hides from the walk behind an accessor.
        for (var type = value.GetType(); type is not null && type != typeof(object) && type != typeof(ValueType); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), $"{path}.{MemberName(field)}", depth + 1, found, visited);
            }
        }
    }
}
