using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Finds the DataAnnotations of the DTOs a consumer's actions bind, for the validators the generator writes instead of
/// <c>Validator.TryValidateObject</c>'s reflection: each public property's <c>ValidationAttribute</c>s (also those on a
/// record's primary constructor parameter of the same name), the type's own, <c>IValidatableObject</c>, and properties
/// whose type (or element type) has rules of its own, validated nested. Attributes become the C# that constructs them.
/// </summary>
internal sealed class ValidationParser(KnownTypes known, TypeScriptShapes names)
{
    private readonly Dictionary<string, ValidatorSpec?> _specs = new();
    private readonly HashSet<string> _visiting = new();
    private int _next;

    /// <summary>The validators written so far, in the order they were met.</summary>
    public IEnumerable<ValidatorSpec> Validators => _specs.Values.Where(v => v is not null)!;

    /// <summary>The validator method of <paramref name="type"/>, or null when nothing of it is validated.</summary>
    public string? ValidatorOf(ITypeSymbol type)
    {
        if (known.ValidationAttribute is null || type is not INamedTypeSymbol named || !IsDto(named))
        {
            return null;
        }

        var key = TypeNames.OfNotNull(named);
        if (_specs.TryGetValue(key, out var done))
        {
            return done?.Method;
        }

        if (!_visiting.Add(key))
        {
            // A type that contains itself: its nested copies are not validated again.
            return null;
        }

        var method = "__Validate" + (_next++).ToString(CultureInfo.InvariantCulture) + "_" + named.Name;
        var members = new List<ValidatedMemberSpec>();
        var wireNames = new List<WireNameSpec>();
        var seen = new HashSet<string>();
        for (var current = named; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } ||
                    property.DeclaredAccessibility != Accessibility.Public || !seen.Add(property.Name))
                {
                    continue;
                }

                wireNames.Add(new WireNameSpec(property.Name, names.WireName(property)));
                var rules = Rules(property.GetAttributes().Concat(PrimaryParameterAttributes(named, property)));
                var (nested, collection) = NestedOf(property.Type);
                if (rules.Count > 0 || nested is not null)
                {
                    members.Add(new ValidatedMemberSpec(property.Name, names.WireName(property), DisplayName(property), rules.ToEquatableArray(), nested, collection));
                }
            }
        }

        var typeRules = Rules(named.GetAttributes());
        var validatable = named.AllInterfaces.Any(i => KnownTypes.Is(i, known.ValidatableObject));
        _visiting.Remove(key);
        var spec = members.Count == 0 && typeRules.Count == 0 && !validatable
            ? null
            : new ValidatorSpec(method, key, members.ToEquatableArray(), typeRules.ToEquatableArray(), validatable, named.Name, wireNames.ToEquatableArray());
        _specs[key] = spec;
        return spec?.Method;
    }

    // A user's class, record or struct: not a framework type, a collection or a primitive.
    private static bool IsDto(INamedTypeSymbol type)
        => type.TypeKind is TypeKind.Class or TypeKind.Struct && type.SpecialType == SpecialType.None && !type.IsAbstract
            && type.ContainingNamespace?.ToDisplayString() is { } ns && ns != "System" && !ns.StartsWith("System.", System.StringComparison.Ordinal)
            && !ns.StartsWith("Microsoft.", System.StringComparison.Ordinal);

    private (string? Nested, bool Collection) NestedOf(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.SpecialType == SpecialType.System_String)
        {
            return (null, false);
        }

        if (type is IArrayTypeSymbol array)
        {
            return (ValidatorOf(array.ElementType), true);
        }

        if (type is INamedTypeSymbol named && named.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) is { } enumerable
            && !named.AllInterfaces.Any(i => i.Name == "IDictionary" || (i.Name == "IReadOnlyDictionary" && i.IsGenericType)))
        {
            return (ValidatorOf(enumerable.TypeArguments[0]), true);
        }

        return (ValidatorOf(type), false);
    }

    // The attributes of a record's primary constructor parameter named like the property (they target the parameter
    // unless written [property: ...]; Microsoft.Extensions.Validation reads them too).
    private static IEnumerable<AttributeData> PrimaryParameterAttributes(INamedTypeSymbol type, IPropertySymbol property)
    {
        if (!type.IsRecord)
        {
            return [];
        }

        var primary = type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length > 0 &&
            c.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax));
        return primary?.Parameters.FirstOrDefault(p => p.Name == property.Name)?.GetAttributes() ?? [];
    }

    private List<string> Rules(IEnumerable<AttributeData> attributes)
    {
        var rules = new List<(bool Required, string Code)>();
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass is not { } type || !DerivesFrom(type, known.ValidationAttribute) ||
                type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal) || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error))
            {
                continue;
            }

            var arguments = string.Join(", ", attribute.ConstructorArguments.Select(Literal));
            var named = attribute.NamedArguments.Select(n => $"{n.Key} = {Literal(n.Value)}").ToList();
            var code = $"new {TypeNames.OfNotNull(type)}({arguments})" + (named.Count == 0 ? "" : " { " + string.Join(", ", named) + " }");
            rules.Add((DerivesFrom(type, known.RequiredAttribute), code));
        }

        // As Validator does: [Required] first, and nothing else of a member it refuses.
        return rules.OrderBy(r => r.Required ? 0 : 1).Select(r => r.Code).ToList();
    }

    private static string Literal(TypedConstant constant) => constant.Kind switch
    {
        TypedConstantKind.Array => constant.IsNull ? "null" : $"new {TypeNames.Of(constant.Type!)} {{ {string.Join(", ", constant.Values.Select(Literal))} }}",
        TypedConstantKind.Type => $"typeof({TypeNames.OfNotNull((ITypeSymbol)constant.Value!)})",
        TypedConstantKind.Enum => $"({TypeNames.OfNotNull(constant.Type!)})({System.Convert.ToString(constant.Value, CultureInfo.InvariantCulture)})",
        _ => constant.Value switch
        {
            null => "null",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            double d => double.IsNaN(d) ? "double.NaN" : double.IsInfinity(d) ? (d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity") : $"({d.ToString("R", CultureInfo.InvariantCulture)}d)",
            float f => float.IsNaN(f) ? "float.NaN" : float.IsInfinity(f) ? (f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity") : $"({f.ToString("R", CultureInfo.InvariantCulture)}f)",
            var other => $"({TypeNames.OfNotNull(constant.Type!)})({System.Convert.ToString(other, CultureInfo.InvariantCulture)})",
        },
    };

    private string DisplayName(IPropertySymbol property)
    {
        foreach (var attribute in property.GetAttributes())
        {
            if (KnownTypes.Is(attribute.AttributeClass, known.DisplayAttribute) &&
                attribute.NamedArguments.FirstOrDefault(n => n.Key == "Name").Value.Value is string display)
            {
                return display;
            }

            if (KnownTypes.Is(attribute.AttributeClass, known.DisplayNameAttribute) &&
                attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return property.Name;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (KnownTypes.Is(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
