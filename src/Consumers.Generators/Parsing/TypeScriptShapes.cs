using System.Collections.Generic;
using System.Linq;
using System.Text;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The TypeScript view of the DTOs an action or observer exchanges, as System.Text.Json's source-generated metadata
/// writes them on the wire: public instance properties with a getter, <c>[JsonPropertyName]</c>, else snake_case (or the
/// context's <c>PropertyNamingPolicy</c> with <c>KeepContextPropertyNames</c>), <c>[JsonIgnore]</c> left out, nullable annotations as <c>| null</c>, collections as
/// arrays, string-keyed dictionaries as <c>Record</c>, enums as numbers (names with <c>JsonStringEnumConverter</c>).
/// </summary>
internal sealed class TypeScriptShapes
{
    // JsonSerializerDefaults.Web and JsonIgnoreCondition.Always, as the attributes' int arguments carry them.
    private const int JsonSerializerDefaultsWeb = 1;
    private const int JsonIgnoreConditionAlways = 1;

    private readonly KnownTypes _known;
    private readonly NamingPolicy _namingPolicy;
    private readonly Dictionary<string, TypeScriptInterfaceSpec> _interfaces = new();
    private readonly HashSet<string> _visiting = new();

    /// <param name="known">The compilation's known types.</param>
    /// <param name="jsonContext">The consumer's context, or null.</param>
    /// <param name="keepContextPropertyNames">False (the default on the wire): snake_case names whatever the context's policy.</param>
    public TypeScriptShapes(KnownTypes known, INamedTypeSymbol? jsonContext, bool keepContextPropertyNames)
    {
        _known = known;
        if (!keepContextPropertyNames)
        {
            _namingPolicy = NamingPolicy.SnakeCaseLower;
            return;
        }

        var options = jsonContext is null ? null : KnownTypes.FindAttribute(jsonContext, known.JsonSourceGenerationOptionsAttribute);
        if (options is not null)
        {
            if (options.ConstructorArguments.Length == 1 && options.ConstructorArguments[0].Value is int defaults && defaults == JsonSerializerDefaultsWeb)
            {
                _namingPolicy = NamingPolicy.CamelCase;
            }

            foreach (var argument in options.NamedArguments)
            {
                if (argument.Key == "PropertyNamingPolicy" && argument.Value.Value is int policy)
                {
                    _namingPolicy = (NamingPolicy)policy;
                }
            }
        }
    }

    /// <summary>The interfaces declared by the expressions returned so far, in the order they were met.</summary>
    public IEnumerable<TypeScriptInterfaceSpec> Interfaces => _interfaces.Values;

    /// <summary>The TypeScript type expression of <paramref name="type"/> (without <c>| null</c> for its own annotation).</summary>
    public string Expression(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return Expression(nullable.TypeArguments[0]) + " | null";
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String or SpecialType.System_Char or SpecialType.System_DateTime:
                return "string";
            case SpecialType.System_Boolean:
                return "boolean";
            case SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return "number";
            case SpecialType.System_Object:
                return "unknown";
        }

        if (_known.IsStringLike(type))
        {
            return "string";
        }

        if (_known.IsJsonValue(type))
        {
            return "unknown";
        }

        if (type is IArrayTypeSymbol array)
        {
            return Element(array.ElementType) + "[]";
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return Enum(type);
        }

        if (type is INamedTypeSymbol named)
        {
            if (Dictionary(named) is { } value)
            {
                return $"Record<string, {Member(value)}>";
            }

            if (Enumerable(named) is { } element)
            {
                return Element(element) + "[]";
            }

            if (type.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface)
            {
                return Interface(named);
            }
        }

        return "unknown";
    }

    private string Element(ITypeSymbol element)
    {
        var expression = Member(element);
        return expression.Contains(" | ") ? $"({expression})" : expression;
    }

    /// <summary>A member's expression: with <c>| null</c> when the member is an annotated reference type.</summary>
    private string Member(ITypeSymbol type)
    {
        var expression = Expression(type);
        return !type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated && !expression.EndsWith(" | null") ? expression + " | null" : expression;
    }

    private string Enum(ITypeSymbol type)
    {
        var stringEnum = type.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _known.JsonConverterAttribute) &&
            a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is ITypeSymbol converter &&
            _known.IsStringEnumConverter(converter));
        if (!stringEnum)
        {
            return "number";
        }

        var names = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst).Select(f => Quote(f.Name)).ToList();
        return names.Count == 0 ? "string" : string.Join(" | ", names);
    }

    private ITypeSymbol? Dictionary(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (_known.IsDictionary(candidate))
            {
                return candidate.TypeArguments[1];
            }
        }

        return null;
    }

    private static ITypeSymbol? Enumerable(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private string Interface(INamedTypeSymbol type)
    {
        var name = InterfaceName(type);
        var key = TypeNames.OfNotNull(type);
        if (_interfaces.ContainsKey(key) || !_visiting.Add(key))
        {
            return name;
        }

        var members = new List<TypeScriptMemberSpec>();
        var seen = new HashSet<string>();
        var constructor = DeserializationConstructor(type);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.GetMethod is null || property.DeclaredAccessibility != Accessibility.Public ||
                    property.GetMethod.DeclaredAccessibility != Accessibility.Public || !seen.Add(property.Name) || Ignored(property))
                {
                    continue;
                }

                members.Add(new TypeScriptMemberSpec(WireName(property), Member(property.Type), RequiredOnInput(property, constructor)));
            }
        }

        _visiting.Remove(key);
        _interfaces[key] = new TypeScriptInterfaceSpec(name, members.ToEquatableArray());
        return name;
    }

    // The constructor System.Text.Json deserializes with: the one marked [JsonConstructor], else the public parameterless
    // one (none to bind), else the only public one with parameters (a record's primary constructor; not its copy constructor).
    private IMethodSymbol? DeserializationConstructor(INamedTypeSymbol type)
    {
        var candidates = type.InstanceConstructors.Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type))).ToList();
        if (candidates.FirstOrDefault(c => KnownTypes.HasAttribute(c, _known.JsonConstructorAttribute)) is { } marked)
        {
            return marked;
        }

        var visible = candidates.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        return visible.Any(c => c.Parameters.Length == 0) || visible.Count != 1 ? null : visible[0];
    }

    // Whether the server requires the member when it reads the DTO (WireJson: required members, [JsonRequired], and
    // constructor parameters of non-nullable reference types without a default).
    private bool RequiredOnInput(IPropertySymbol property, IMethodSymbol? constructor)
    {
        if (property.IsRequired || KnownTypes.HasAttribute(property, _known.JsonRequiredAttribute))
        {
            return true;
        }

        var parameter = constructor?.Parameters.FirstOrDefault(p => string.Equals(p.Name, property.Name, System.StringComparison.OrdinalIgnoreCase));
        return parameter is { HasExplicitDefaultValue: false, IsParams: false } && !parameter.Type.IsValueType &&
            parameter.Type.TypeKind != TypeKind.TypeParameter && parameter.NullableAnnotation == NullableAnnotation.NotAnnotated;
    }

    private bool Ignored(IPropertySymbol property)
        => property.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, _known.JsonIgnoreAttribute) &&
            (a.NamedArguments.Length == 0 || a.NamedArguments.Any(n => n.Key == "Condition" && n.Value.Value is int condition && condition == JsonIgnoreConditionAlways)));

    /// <summary>The property's name on the wire: <c>[JsonPropertyName]</c>, else the policy's.</summary>
    public string WireName(IPropertySymbol property)
    {
        var attribute = KnownTypes.FindAttribute(property, _known.JsonPropertyNameAttribute);
        if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string explicitName)
        {
            return explicitName;
        }

        return _namingPolicy switch
        {
            NamingPolicy.CamelCase => CamelCase(property.Name),
            NamingPolicy.SnakeCaseLower => SnakeCase.Convert(property.Name),
            NamingPolicy.SnakeCaseUpper => SnakeCase.Convert(property.Name).ToUpperInvariant(),
            NamingPolicy.KebabCaseLower => SnakeCase.Convert(property.Name).Replace('_', '-'),
            NamingPolicy.KebabCaseUpper => SnakeCase.Convert(property.Name).Replace('_', '-').ToUpperInvariant(),
            _ => property.Name,
        };
    }

    // JsonNamingPolicy.CamelCase: lower the leading run of capitals, except the last one when a lower-case letter follows.
    private static string CamelCase(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            if (i > 0 && i + 1 < chars.Length && !char.IsUpper(chars[i + 1]))
            {
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    private static string InterfaceName(INamedTypeSymbol type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = new StringBuilder(type.Name).Append("Of");
        for (var i = 0; i < type.TypeArguments.Length; i++)
        {
            name.Append(i == 0 ? "" : "And").Append(type.TypeArguments[i] is INamedTypeSymbol argument ? InterfaceName(argument) : type.TypeArguments[i].Name);
        }

        return name.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
