using System.Collections.Generic;
using System.Linq;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Reads the <c>params Type[]</c> of an attribute such as <c>[Permission(typeof(A), typeof(B))]</c> or
/// <c>[ConsumerFilter(typeof(F))]</c>: each type that implements the expected interface, and whether it is created once
/// with <c>new</c> (a struct, or a class with a public parameterless constructor) rather than resolved from DI.
/// </summary>
internal static class AttributeTypes
{
    /// <summary>The attribute's types, in order; a type that is not a <paramref name="expected"/> is reported with <paramref name="descriptor"/> and left out.</summary>
    public static IEnumerable<(string Type, bool Construct)> Read(AttributeData attribute, INamedTypeSymbol? expected, DiagnosticDescriptor descriptor, string target, List<DiagnosticInfo>? diagnostics)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            yield break;
        }

        var arguments = (attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments;
        var values = attribute.ConstructorArguments[0].Values;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Value is not INamedTypeSymbol type || type.TypeKind == TypeKind.Error)
            {
                // The compiler reports a typeof of an unknown type.
                continue;
            }

            if (!type.AllInterfaces.Any(t => KnownTypes.Is(t, expected)) && !KnownTypes.Is(type, expected))
            {
                if (diagnostics is not null)
                {
                    var location = arguments is { } list && i < list.Count ? LocationInfo.From(list[i]) : LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
                    diagnostics.Add(DiagnosticInfo.Create(descriptor, location, type.ToDisplayString(), target));
                }

                continue;
            }

            var construct = type.TypeKind == TypeKind.Struct ||
                (type.TypeKind == TypeKind.Class && !type.IsAbstract &&
                 type.InstanceConstructors.Any(static c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0));
            yield return (TypeNames.OfNotNull(type), construct);
        }
    }
}
