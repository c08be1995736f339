using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.CodeFixes;

/// <summary>
/// CONS0031: replaces each unknown <c>{Member}</c> of an observer's group template with the closest public instance
/// property or field of the observed model: the same name in another case first, else the nearest by edit distance
/// (at most a third of the name's length, and at least 2, apart).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GroupTemplateMemberCodeFix)), Shared]
public sealed class GroupTemplateMemberCodeFix : CodeFixProvider
{
    private static readonly Regex s_placeholder = new(@"\{(?<name>[^{}]*)\}", RegexOptions.CultureInvariant);

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ObserverGroupUnknownMember);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeArgumentSyntax { Expression: LiteralExpressionSyntax literal } argument ||
                !literal.IsKind(SyntaxKind.StringLiteralExpression) ||
                argument.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute ||
                model.GetTypeInfo(attribute, context.CancellationToken).Type is not INamedTypeSymbol { TypeArguments.Length: 1 } attributeType ||
                attributeType.TypeArguments[0] is not INamedTypeSymbol observed)
            {
                continue;
            }

            var template = literal.Token.ValueText;
            var members = MemberNames(observed);
            var replaced = s_placeholder.Replace(template, match =>
            {
                var name = match.Groups["name"].Value;
                return members.Contains(name) || Closest(name, members) is not { } closest ? match.Value : "{" + closest + "}";
            });
            if (replaced == template)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use \"{replaced}\"",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal,
                        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replaced)).WithTriviaFrom(literal)))),
                    equivalenceKey: nameof(GroupTemplateMemberCodeFix)),
                diagnostic);
        }
    }

    private static HashSet<string> MemberNames(INamedTypeSymbol type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (!member.IsStatic && member.DeclaredAccessibility == Accessibility.Public &&
                    member is IPropertySymbol { IsIndexer: false, GetMethod: not null } or IFieldSymbol { IsImplicitlyDeclared: false })
                {
                    names.Add(member.Name);
                }
            }
        }

        return names;
    }

    private static string? Closest(string name, IEnumerable<string> members)
    {
        var sameIgnoringCase = members.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));
        if (sameIgnoringCase is not null)
        {
            return sameIgnoringCase;
        }

        var limit = Math.Max(2, name.Length / 3);
        return members
            .Select(m => (Member: m, Distance: Distance(name.ToUpperInvariant(), m.ToUpperInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Member, StringComparer.Ordinal)
            .Select(c => c.Member)
            .FirstOrDefault();
    }

    // Levenshtein distance, two rows.
    private static int Distance(string a, string b)
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
