using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Consumers.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.CodeFixes;

/// <summary>How the generator finds a consumer's JSON context and the DTO of an action's type, as the fixes need them.</summary>
internal static class JsonContexts
{
    /// <summary>
    /// The consumer and the DTO under a CONS0012/CONS0013/CONS0055 diagnostic (on a parameter's or result's type), with
    /// the context the consumer names (null when none); null when the diagnostic is not on such a type (an inherited
    /// action reported on the consumer's name).
    /// </summary>
    public static async Task<DtoUse?> FindDtoUseAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not TypeSyntax typeSyntax ||
            model is null ||
            typeSyntax.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } consumerSyntax ||
            model.GetDeclaredSymbol(consumerSyntax, cancellationToken) is not INamedTypeSymbol consumer ||
            model.GetTypeInfo(typeSyntax, cancellationToken).Type is not { } type)
        {
            return null;
        }

        var known = KnownTypes.For(model.Compilation);
        return new DtoUse(consumerSyntax, consumer, Unwrap(type, known), Find(consumer, model.Compilation, known));
    }

    /// <summary>The context named by <c>[JsonContext]</c> on the consumer, its nearest base naming one, or the assembly (as the generator finds it); null when none.</summary>
    public static INamedTypeSymbol? Find(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known)
        => ConsumerJsonTypes.FindContextAttribute(consumer, compilation, known)?.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;

    /// <summary>The DTO of a result: Task&lt;T&gt;, ValueTask&lt;T&gt; and ActionResult&lt;T&gt; wrap it; reference nullability is no part of it.</summary>
    public static ITypeSymbol Unwrap(ITypeSymbol type, KnownTypes known)
    {
        while (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named &&
            (KnownTypes.Is(named, known.TaskOfT) || KnownTypes.Is(named, known.ValueTaskOfT) || KnownTypes.Is(named, known.ActionResultOfT)))
        {
            type = named.TypeArguments[0];
        }

        return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
    }
}

/// <summary>A DTO an action uses, the consumer using it and the consumer's JSON context (null when none).</summary>
internal sealed class DtoUse(ClassDeclarationSyntax consumerSyntax, INamedTypeSymbol consumer, ITypeSymbol dto, INamedTypeSymbol? context)
{
    public ClassDeclarationSyntax ConsumerSyntax { get; } = consumerSyntax;

    public INamedTypeSymbol Consumer { get; } = consumer;

    public ITypeSymbol Dto { get; } = dto;

    public INamedTypeSymbol? Context { get; } = context;
}
