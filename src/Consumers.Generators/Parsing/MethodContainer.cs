using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>The check of the attribute pipelines: a consumer method attribute (<c>[Action]</c>, <c>[Receive]</c>) on a method of a type that is no consumer.</summary>
internal static class MethodContainer
{
    /// <summary>The diagnostic for a method outside any consumer, on its name; null when its type is a consumer.</summary>
    /// <param name="context">The attributed method.</param>
    /// <param name="descriptor">The attribute's diagnostic, with the method and type names as arguments.</param>
    public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext context, DiagnosticDescriptor descriptor)
    {
        if (context.TargetSymbol is not IMethodSymbol method || method.ContainingType is not { } type ||
            KnownTypes.DerivesFrom(type, KnownTypes.For(context.SemanticModel.Compilation).Consumer))
        {
            return null;
        }

        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        return DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax.Identifier), method.Name, type.Name);
    }
}
