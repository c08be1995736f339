using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.CodeFixes;

/// <summary>CONS0003: removes <c>static</c> from an action (the diagnostic sits on the keyword).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveStaticCodeFix)), Shared]
public sealed class RemoveStaticCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ActionMustNotBeStatic);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var token = root?.FindToken(diagnostic.Location.SourceSpan.Start) ?? default;
            if (!token.IsKind(SyntaxKind.StaticKeyword))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Remove 'static'", cancellationToken => RemoveAsync(context.Document, token, cancellationToken), equivalenceKey: nameof(RemoveStaticCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> RemoveAsync(Document document, SyntaxToken token, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || token.Parent is not MethodDeclarationSyntax method)
        {
            return document;
        }

        // The keyword's leading trivia (indentation, comments) stays with what now comes first.
        var index = method.Modifiers.IndexOf(token);
        var modifiers = method.Modifiers.RemoveAt(index);
        MethodDeclarationSyntax updated;
        if (index > 0)
        {
            updated = method.WithModifiers(modifiers);
        }
        else if (modifiers.Count > 0)
        {
            updated = method.WithModifiers(modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(token.LeadingTrivia)));
        }
        else
        {
            updated = method.WithModifiers(modifiers).WithReturnType(method.ReturnType.WithLeadingTrivia(token.LeadingTrivia));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(method, updated));
    }
}
