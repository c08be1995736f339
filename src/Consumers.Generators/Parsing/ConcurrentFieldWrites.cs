using System.Collections.Generic;
using System.Linq;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The instance fields (and settable properties) of a consumer that a concurrent action's body assigns (<c>=</c>,
/// compound assignments, <c>++</c>/<c>--</c>): the consumer instance is shared by the actions running at once, so each of
/// these is a data race (CONS0020). Read from the syntax: a simple name or <c>this.Name</c> on the left that names a
/// member of the consumer and no parameter or local of the method.
/// </summary>
internal static class ConcurrentFieldWrites
{
    public static List<(string Member, LocationInfo? Location)> In(MethodDeclarationSyntax? method, IMethodSymbol symbol, KnownTypes known)
    {
        var found = new List<(string, LocationInfo?)>();
        var body = (SyntaxNode?)method?.Body ?? method?.ExpressionBody;
        if (body is null)
        {
            return found;
        }

        var locals = new HashSet<string>(symbol.Parameters.Select(p => p.Name));
        foreach (var node in body.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax declarator:
                    locals.Add(declarator.Identifier.ValueText);
                    break;
                case SingleVariableDesignationSyntax designation:
                    locals.Add(designation.Identifier.ValueText);
                    break;
                case ParameterSyntax parameter:
                    locals.Add(parameter.Identifier.ValueText);
                    break;
                case ForEachStatementSyntax loop:
                    locals.Add(loop.Identifier.ValueText);
                    break;
            }
        }

        foreach (var target in Targets(body))
        {
            var name = target switch
            {
                IdentifierNameSyntax identifier when !locals.Contains(identifier.Identifier.ValueText) => identifier.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
                _ => null,
            };
            if (name is not null && IsInstanceState(symbol.ContainingType, name, known) && !found.Exists(f => f.Item1 == name))
            {
                found.Add((name, LocationInfo.From(target)));
            }
        }

        return found;
    }

    private static IEnumerable<ExpressionSyntax> Targets(SyntaxNode body)
    {
        foreach (var node in body.DescendantNodes())
        {
            switch (node)
            {
                case AssignmentExpressionSyntax assignment:
                    yield return assignment.Left;
                    break;
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    yield return postfix.Operand;
                    break;
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                    yield return prefix.Operand;
                    break;
            }
        }
    }

    // A field or settable property declared by the consumer or a base of it below Consumers.Consumer.
    private static bool IsInstanceState(INamedTypeSymbol? type, string name, KnownTypes known)
    {
        for (; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member.IsStatic)
                {
                    continue;
                }

                if (member is IFieldSymbol { IsConst: false } || member is IPropertySymbol { SetMethod: not null })
                {
                    return true;
                }
            }
        }

        return false;
    }
}
