using System.Collections.Generic;
using System.Linq;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Which actions of its base classes a consumer dispatches, and who reports what is wrong with them. An action is checked
/// where it is declared: the consumer reports its own actions in full, at their tokens. An inherited action is dispatched
/// when it is valid and accessible; a private one is reported (CONS0018) on the consumer's name. An abstract base cannot
/// judge the types that depend on the concrete consumer (those built from its class type parameters, and the JSON
/// metadata when it names no <c>[JsonContext]</c>): it leaves them, and each concrete consumer reports those type checks
/// (CONS0011, CONS0012, CONS0013) of the inherited action on its own name, since the base may be in another file or
/// assembly. The other diagnostics of an inherited action are the declaring class's to report.
/// </summary>
internal sealed class InheritedActionPolicy(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known)
{
    /// <summary>Where an action a consumer finds comes from, which decides what the consumer reports of it.</summary>
    public enum Origin
    {
        /// <summary>Declared by the consumer: every diagnostic at its own location.</summary>
        Own,

        /// <summary>Inherited from a class that checks it itself: the consumer only skips it when it is invalid.</summary>
        Inherited,

        /// <summary>Inherited from an abstract base that left its type checks to the consumer: those are reported on the consumer's name.</summary>
        DeferredByBase,

        /// <summary>Private in a base class: CONS0018 on the consumer's name, never dispatched.</summary>
        Inaccessible,
    }

    /// <summary>
    /// Whether the consumer is an abstract base, which checks its own actions but leaves to its concrete consumers the types
    /// that depend on them (<see cref="ContainsClassTypeParameter"/>, the JSON metadata without a context).
    /// </summary>
    public bool LeavesTypeChecksToDerived => consumer.IsAbstract;

    /// <summary>The origin of <paramref name="method"/>, found on <paramref name="declaringType"/> while walking the consumer's base classes.</summary>
    public Origin OriginOf(IMethodSymbol method, INamedTypeSymbol declaringType)
    {
        if (SymbolEqualityComparer.Default.Equals(declaringType, consumer))
        {
            return Origin.Own;
        }

        if (method.DeclaredAccessibility == Accessibility.Private)
        {
            return Origin.Inaccessible;
        }

        return IsDeferredByBase(method) ? Origin.DeferredByBase : Origin.Inherited;
    }

    /// <summary>The diagnostic of an inaccessible inherited action.</summary>
    public DiagnosticInfo Inaccessible(IMethodSymbol method, INamedTypeSymbol declaringType)
        => DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleInheritedAction, ConsumerIdentifier, method.Name, declaringType.Name, consumer.Name);

    /// <summary>Adds to <paramref name="diagnostics"/> what the consumer reports of a parsed action of <paramref name="origin"/>.</summary>
    public void Report(Origin origin, ActionParser.Parsed action, List<DiagnosticInfo> diagnostics)
    {
        switch (origin)
        {
            case Origin.Own:
                diagnostics.AddRange(action.Diagnostics);
                break;
            case Origin.DeferredByBase:
                var at = ConsumerIdentifier;
                diagnostics.AddRange(action.TypeChecks.Select(d => d with { Location = at }));
                break;
        }
    }

    /// <summary>Where a consumer reports an inherited action's problems: its own name (the base may be in another file or assembly).</summary>
    public LocationInfo? ConsumerIdentifier
        => consumer.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault();

    /// <summary>Whether <paramref name="type"/> is built from a class type parameter, so only a concrete consumer knows it.</summary>
    public static bool ContainsClassTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Type } => true,
        IArrayTypeSymbol array => ContainsClassTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsClassTypeParameter),
        _ => false,
    };

    // The mirror of LeavesTypeChecksToDerived, seen from the concrete consumer.
    private bool IsDeferredByBase(IMethodSymbol method)
    {
        if (method.ContainingType is not { IsAbstract: true } declaring)
        {
            return false;
        }

        var definition = method.OriginalDefinition;
        return ContainsClassTypeParameter(definition.ReturnType)
            || definition.Parameters.Any(p => ContainsClassTypeParameter(p.Type))
            || ConsumerJsonTypes.FindContextAttribute(declaring.OriginalDefinition, compilation, known) is null;
    }
}
