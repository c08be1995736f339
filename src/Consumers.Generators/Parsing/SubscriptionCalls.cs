using System.Linq;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The observers an action subscribes its caller to: the names <c>X</c> of the generated <c>SubscribeXAsync(...)</c>
/// calls in the method's body. The generated clients type that call's notifications with the observer's DTO; an
/// action whose body is not in this compilation (inherited from another assembly) subscribes to nothing known.
/// </summary>
internal static class SubscriptionCalls
{
    public static EquatableArray<string> In(MethodDeclarationSyntax? method)
    {
        if (method is null)
        {
            return EquatableArray<string>.Empty;
        }

        var body = (Microsoft.CodeAnalysis.SyntaxNode?)method.Body ?? method.ExpressionBody;
        if (body is null)
        {
            return EquatableArray<string>.Empty;
        }

        return body.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .Select(i => i.Expression switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText,
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                _ => "",
            })
            .Where(n => n.Length > "SubscribeAsync".Length && n.StartsWith("Subscribe", System.StringComparison.Ordinal) && n.EndsWith("Async", System.StringComparison.Ordinal))
            .Select(n => n.Substring("Subscribe".Length, n.Length - "SubscribeAsync".Length))
            .Distinct()
            .ToEquatableArray();
    }
}
