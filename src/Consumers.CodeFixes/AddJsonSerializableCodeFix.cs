using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Consumers.CodeFixes;

/// <summary>
/// CONS0013 (and CONS0055 where a context is named): adds <c>[JsonSerializable(typeof(X))]</c> to the
/// <c>JsonSerializerContext</c> the consumer names with <c>[JsonContext]</c> (on the class, a base class or the
/// assembly), for the DTO under the diagnostic: a parameter's type, or a result's (inside <c>Task</c>,
/// <c>ValueTask</c> and <c>ActionResult</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFix)), Shared]
public sealed class AddJsonSerializableCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.TypeMissingFromJsonContext, DiagnosticIds.JsonByReflection);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var use = await JsonContexts.FindDtoUseAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (use is not { Context: { } jsonContext } || jsonContext.DeclaringSyntaxReferences.FirstOrDefault() is not { } reference)
            {
                continue;
            }

            var dto = use.Dto;
            var display = dto.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [JsonSerializable(typeof({display}))] to '{jsonContext.Name}'",
                    cancellationToken => AddAsync(context.Document.Project.Solution, reference, dto, cancellationToken),
                    equivalenceKey: nameof(AddJsonSerializableCodeFix) + display),
                diagnostic);
        }
    }

    private static async Task<Solution> AddAsync(Solution solution, SyntaxReference reference, ITypeSymbol dto, CancellationToken cancellationToken)
    {
        var document = solution.GetDocument(reference.SyntaxTree);
        if (document is null || await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ClassDeclarationSyntax declaration)
        {
            return solution;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return solution;
        }

        var typeName = dto.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("global::System.Text.Json.Serialization.JsonSerializable"),
                SyntaxFactory.ParseAttributeArgumentList($"(typeof({typeName}))"))))
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

        // After the context's last [JsonSerializable], else as its first attribute.
        var lists = declaration.AttributeLists;
        var updated = lists.Count == 0
            ? declaration.AddAttributeLists(attribute.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed))
            : declaration.WithAttributeLists(lists.Insert(LastJsonSerializable(lists) + 1, attribute));
        var newDocument = document.WithSyntaxRoot(root.ReplaceNode(declaration, updated));
        newDocument = await Simplifier.ReduceAsync(newDocument, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        newDocument = await Formatter.FormatAsync(newDocument, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return newDocument.Project.Solution;
    }

    private static int LastJsonSerializable(SyntaxList<AttributeListSyntax> lists)
    {
        for (var i = lists.Count - 1; i >= 0; i--)
        {
            if (lists[i].Attributes.Any(a => a.Name.ToString().Contains("JsonSerializable")))
            {
                return i;
            }
        }

        return lists.Count - 1;
    }
}
