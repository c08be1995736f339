using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>A method carrying a consumer-only attribute (<c>[Action]</c>, <c>[GroupEvent]</c>) in a class that is not a consumer.</summary>
internal static class MisplacedMethod
{
    /// <summary>The diagnostic on the method's name when its class does not derive from <c>Consumer</c>; null otherwise.</summary>
    public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext context, DiagnosticDescriptor descriptor)
    {
        if (context.TargetSymbol is not IMethodSymbol method || method.ContainingType is not { } type ||
            KnownTypes.DerivesFrom(type, KnownTypes.ConsumerBase))
        {
            return null;
        }

        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        return DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax.Identifier), method.Name, type.Name);
    }
}
