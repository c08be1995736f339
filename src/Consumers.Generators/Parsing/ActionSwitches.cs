using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Decides whether an action marked <c>[EnabledBy(property, flag)]</c> is switched off for one consumer: the consumer's
/// flags property (its most derived declaration, walking up from the consumer) is read where its source is in this
/// compilation and its getter is a constant expression; a switched-off action is left out of the consumer's spec, so
/// it is neither dispatched nor described. Anything the generator cannot evaluate keeps the action. A property that
/// does not exist or is not of an enum or integer type is CONS0056.
/// </summary>
internal sealed class ActionSwitches(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known, InheritedActionPolicy policy, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
{
    // Property name -> its constant value for this consumer, or null when it cannot be known.
    private readonly Dictionary<string, ulong?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="method"/> (or a method it overrides) names a flag that the consumer's property does not have.</summary>
    public bool IsSwitchedOff(IMethodSymbol method)
    {
        if (Find(method) is not { } attribute ||
            attribute.ConstructorArguments.Length != 2 ||
            attribute.ConstructorArguments[0].Value is not string property)
        {
            return false;
        }

        if (!_values.TryGetValue(property, out var value))
        {
            value = Evaluate(property, attribute);
            _values.Add(property, value);
        }

        return value is { } flags && ToBits(attribute.ConstructorArguments[1].Value) is { } flag && (flags & flag) != flag;
    }

    private AttributeData? Find(IMethodSymbol method)
    {
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            if (KnownTypes.FindAttribute(current, known.EnabledByAttribute) is { } attribute)
            {
                return attribute;
            }
        }

        return null;
    }

    private ulong? Evaluate(string name, AttributeData attribute)
    {
        var property = FindProperty(name);
        if (property is null || !IsFlagsType(property.Type))
        {
            Report(name, attribute, property is null ? "no such property" : $"it is of type '{property.Type.ToDisplayString()}'");
            return null;
        }

        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax syntax && Returned(syntax) is { } expression)
            {
                var constant = compilation.GetSemanticModel(syntax.SyntaxTree).GetConstantValue(expression, cancellationToken);
                return constant.HasValue ? ToBits(constant.Value) : null;
            }
        }

        return null;
    }

    // The most derived declaration of the property, from the consumer up.
    private IPropertySymbol? FindProperty(string name)
    {
        for (var type = consumer; type is not null; type = type.BaseType)
        {
            if (type.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && !p.IsWriteOnly) is { } property)
            {
                return property;
            }
        }

        return null;
    }

    private static bool IsFlagsType(ITypeSymbol type)
        => type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64;

    // `=> expression`, `get => expression` or `get { return expression; }`.
    private static ExpressionSyntax? Returned(PropertyDeclarationSyntax syntax)
    {
        if (syntax.ExpressionBody is { } body)
        {
            return body.Expression;
        }

        var getter = syntax.AccessorList?.Accessors.FirstOrDefault(a => a.Keyword.Text == "get");
        return getter?.ExpressionBody?.Expression
            ?? (getter?.Body?.Statements is { Count: 1 } statements && statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null);
    }

    private static ulong? ToBits(object? value) => value switch
    {
        int v => unchecked((ulong)v),
        long v => unchecked((ulong)v),
        uint v => v,
        ulong v => v,
        short v => unchecked((ulong)v),
        ushort v => v,
        byte v => v,
        sbyte v => unchecked((ulong)v),
        _ => null,
    };

    // At the attribute when the consumer declares it, else on the consumer's name (the base may be in another file or assembly).
    private void Report(string property, AttributeData attribute, string reason)
    {
        if (_reported.Add(property))
        {
            var own = attribute.ApplicationSyntaxReference is { } reference &&
                consumer.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == reference.SyntaxTree && r.Span.Contains(reference.Span));
            var location = own ? LocationInfo.From(attribute.ApplicationSyntaxReference!.GetSyntax(cancellationToken)) : policy.ConsumerIdentifier;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EnabledByWithoutFlagsProperty, location, property, consumer.Name, reason));
        }
    }
}
