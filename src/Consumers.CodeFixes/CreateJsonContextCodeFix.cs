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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Consumers.CodeFixes;

/// <summary>
/// CONS0012 (and CONS0055 where no context is named): creates <c>{Consumer}Json : JsonSerializerContext</c> with
/// <c>[JsonSerializable(typeof(X))]</c> beside the consumer's outermost type and names it with
/// <c>[JsonContext(typeof({Consumer}Json))]</c> on the consumer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CreateJsonContextCodeFix)), Shared]
public sealed class CreateJsonContextCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.JsonContextMissing, DiagnosticIds.JsonByReflection);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var use = await JsonContexts.FindDtoUseAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (use is not { Context: null })
            {
                continue;
            }

            var (consumerSyntax, consumer, dto) = (use.ConsumerSyntax, use.Consumer, use.Dto);
            var name = FreeName(consumer.Name + "Json", consumer.ContainingNamespace);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Create '{name}' for {dto.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)} and name it with [JsonContext]",
                    cancellationToken => CreateAsync(context.Document, consumerSyntax, name, dto, cancellationToken),
                    equivalenceKey: nameof(CreateJsonContextCodeFix)),
                diagnostic);
        }
    }

    private static string FreeName(string name, INamespaceSymbol ns)
    {
        var candidate = name;
        for (var i = 2; ns.GetTypeMembers(candidate).Length > 0; i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static async Task<Document> CreateAsync(Document document, ClassDeclarationSyntax consumer, string name, ITypeSymbol dto, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var outermost = consumer.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().Last();
        var typeName = dto.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var jsonContext = SyntaxFactory.ParseCompilationUnit($$"""
            [global::System.Text.Json.Serialization.JsonSerializable(typeof({{typeName}}))]
            internal sealed partial class {{name}} : global::System.Text.Json.Serialization.JsonSerializerContext
            {
            }
            """).Members[0]
            .WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("global::Consumers.JsonContext"),
                SyntaxFactory.ParseAttributeArgumentList($"(typeof({name}))"))))
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
        editor.AddAttribute(consumer, attribute);
        editor.InsertAfter(outermost, jsonContext);
        var changed = editor.GetChangedDocument();
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
