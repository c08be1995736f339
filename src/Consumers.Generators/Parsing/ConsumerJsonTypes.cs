using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The JSON metadata of one consumer: the <c>JsonSerializerContext</c> its <c>[JsonContext]</c> names (on the class, a base
/// class or the assembly) and the members the generated code declares for the types its actions, observers, handlers
/// and group events exchange, in the order they were met. A type without source-generated metadata is reported
/// (CONS0012 / CONS0013; the build's JSON policy decides their severity) and kept, read by reflection.
/// </summary>
internal sealed class ConsumerJsonTypes
{
    private readonly string _consumerName;
    private readonly bool _leftToDerived;
    private readonly JsonContextTypes? _contextTypes;
    private readonly Dictionary<string, JsonTypeSpec> _specs = new();
    private readonly Dictionary<string, ITypeSymbol> _symbols = new();

    private ConsumerJsonTypes(KnownTypes known, string consumerName, bool leftToDerived, INamedTypeSymbol? context, bool keepContextPropertyNames)
    {
        _consumerName = consumerName;
        _leftToDerived = leftToDerived;
        Context = context;
        KeepContextPropertyNames = keepContextPropertyNames;
        _contextTypes = context is null ? null : JsonContextTypes.From(context, known);
    }

    /// <summary>The consumer's valid context, or null.</summary>
    public INamedTypeSymbol? Context { get; }

    /// <summary>The <c>[JsonContext(KeepContextPropertyNames = true)]</c> option: the context's naming policy on the wire instead of snake_case.</summary>
    public bool KeepContextPropertyNames { get; }

    /// <summary>The types met so far (their symbols, for the TypeScript shapes and the public-contract check).</summary>
    public IEnumerable<ITypeSymbol> Symbols => _symbols.Values;

    /// <summary>
    /// Resolves the consumer's context. An invalid one (not a <c>JsonSerializerContext</c>) is reported as CONS0014
    /// unless <paramref name="policy"/> says the consumer is an abstract base, whose concrete consumers report it.
    /// </summary>
    public static ConsumerJsonTypes Resolve(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known, InheritedActionPolicy policy, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var attribute = FindContextAttribute(consumer, compilation, known);
        if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol context)
        {
            return new ConsumerJsonTypes(known, consumer.Name, policy.LeavesTypeChecksToDerived, null, false);
        }

        var keep = attribute.NamedArguments.Any(a => a.Key == "KeepContextPropertyNames" && a.Value.Value is true);
        if (!KnownTypes.DerivesFrom(context, known.JsonSerializerContext))
        {
            if (!policy.LeavesTypeChecksToDerived)
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidJsonContext, LocationInfo.From(location), context.ToDisplayString()));
            }

            return new ConsumerJsonTypes(known, consumer.Name, policy.LeavesTypeChecksToDerived, null, keep);
        }

        return new ConsumerJsonTypes(known, consumer.Name, policy.LeavesTypeChecksToDerived, context, keep);
    }

    /// <summary>The <c>[JsonContext]</c> that applies to <paramref name="consumer"/>: its own, its nearest base's, or the assembly's.</summary>
    public static AttributeData? FindContextAttribute(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known)
    {
        for (var type = consumer; type is not null; type = type.BaseType)
        {
            if (KnownTypes.FindAttribute(type, known.JsonContextAttribute) is { } attribute)
            {
                return attribute;
            }
        }

        return KnownTypes.FindAttribute(compilation.Assembly, known.JsonContextAttribute);
    }

    /// <summary>
    /// The generated member holding the metadata of <paramref name="type"/>, declared on first use; null when the type is
    /// unknown to the compiler (which reports it) or, in an abstract base without a context, left to the concrete consumers.
    /// </summary>
    public string? Member(ITypeSymbol type, IMethodSymbol method, LocationInfo? location, List<DiagnosticInfo> report)
        => Member(type, method, location, report, hint: "");

    /// <summary>As <see cref="Member(ITypeSymbol, IMethodSymbol, LocationInfo?, List{DiagnosticInfo})"/>, with a sentence appended to CONS0012 / CONS0013 (empty, or starting with "; ").</summary>
    public string? Member(ITypeSymbol type, IMethodSymbol method, LocationInfo? location, List<DiagnosticInfo> report, string hint)
        => Member(type, method.Name, location, report, hint);

    /// <summary>As <see cref="Member(ITypeSymbol, IMethodSymbol, LocationInfo?, List{DiagnosticInfo}, string)"/>, naming the user of the type (<paramref name="user"/>) in the diagnostics.</summary>
    public string? Member(ITypeSymbol type, string user, LocationInfo? location, List<DiagnosticInfo> report, string hint)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.JsonContextMissing, location, user, type.ToDisplayString(), _consumerName, hint));
            return null;
        }

        var name = TypeNames.OfNotNull(type);
        var reflection = false;
        if (Context is null)
        {
            if (_leftToDerived)
            {
                return null;
            }

            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.JsonContextMissing, location, user, type.ToDisplayString(), _consumerName, hint));
            reflection = true;
        }
        else if (!_contextTypes!.Contains(type))
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMissingFromJsonContext, location, user, type.ToDisplayString(), Context.Name, hint));
            reflection = true;
        }

        if (!_specs.TryGetValue(name, out var spec))
        {
            spec = new JsonTypeSpec(name, "__Json" + _specs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Reflection: reflection);
            _specs.Add(name, spec);
            _symbols.Add(name, type);
        }

        return spec.Member;
    }

    /// <summary>The type whose metadata member is <paramref name="member"/> (e.g. <c>__Json0</c>), or null.</summary>
    public ITypeSymbol? TypeOf(string member)
        => _specs.Values.FirstOrDefault(t => t.Member == member) is { } spec ? _symbols[spec.Type] : null;

    /// <summary>The members declared so far, each with its TypeScript expression.</summary>
    public List<JsonTypeSpec> Specs(TypeScriptShapes typeScript)
        => _specs.Values.Select(t => t with { TypeScript = typeScript.Expression(_symbols[t.Type]) }).ToList();
}
