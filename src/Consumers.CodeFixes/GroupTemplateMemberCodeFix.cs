using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Consumers.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.CodeFixes;

/// <summary>
/// CONS0031: replaces each unknown <c>{Member}</c> of an observer's group template with the closest public instance
/// property or field of the observed model, the near miss the diagnostic's message names (<see cref="NearestName"/>:
/// the same name in another case first, else the nearest by edit distance).
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
            var members = NearestName.TemplateMembers(observed);
            var replaced = s_placeholder.Replace(template, match =>
            {
                var name = match.Groups["name"].Value;
                return members.Contains(name) || NearestName.Closest(name, members) is not { } closest ? match.Value : "{" + closest + "}";
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
}
