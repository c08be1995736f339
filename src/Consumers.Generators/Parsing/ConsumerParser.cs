using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Consumers.Generators.Diagnostics;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Turns a consumer class symbol into a <see cref="ConsumerSpec"/> and the diagnostics of its declaration: the
/// orchestrator of one consumer. It checks the class, resolves its JSON metadata (<see cref="ConsumerJsonTypes"/>),
/// collects its own and inherited actions (<see cref="ActionParser"/>, with <see cref="InheritedActionPolicy"/> deciding
/// which are dispatched and what is reported where), then its observers, <c>[Receive]</c> handler, group events and
/// authorization. Symbols and syntax stay in the parsers: only the equatable model leaves the transform.
/// </summary>
internal sealed class ConsumerParser
{
    private readonly INamedTypeSymbol _consumer;
    private readonly Compilation _compilation;
    private readonly KnownTypes _known;
    private readonly InheritedActionPolicy _policy;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ConsumerParser(INamedTypeSymbol consumer, Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
    {
        _consumer = consumer;
        _compilation = compilation;
        _known = known;
        _policy = new InheritedActionPolicy(consumer, compilation, known);
        _cancellationToken = cancellationToken;
    }

    /// <summary>The transform of the class pipeline; null when the class is not (the primary declaration of) a consumer.</summary>
    public static Result<ConsumerSpec>? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        var compilation = context.SemanticModel.Compilation;
        var known = KnownTypes.For(compilation);
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol symbol ||
            !KnownTypes.DerivesFrom(symbol, known.Consumer) ||
            !IsPrimaryDeclaration(symbol, declaration))
        {
            return null;
        }

        var parser = new ConsumerParser(symbol, compilation, known, cancellationToken);
        var spec = parser.Parse();
        return new Result<ConsumerSpec>(spec, parser._diagnostics.ToEquatableArray());
    }

    /// <summary>The transform of the [Action] pipeline: reports actions declared outside any consumer.</summary>
    public static DiagnosticInfo? CheckActionContainer(GeneratorAttributeSyntaxContext context)
        => MethodContainer.Check(context, DiagnosticDescriptors.ActionOutsideConsumer);

    // Partial classes have several declarations; the first one with a base list speaks for the class.
    private static bool IsPrimaryDeclaration(INamedTypeSymbol symbol, ClassDeclarationSyntax declaration)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is ClassDeclarationSyntax { BaseList: not null } candidate)
            {
                return candidate == declaration;
            }
        }

        return false;
    }

    private ConsumerSpec? Parse()
    {
        if (_policy.LeavesTypeChecksToDerived)
        {
            // A base class: its own actions are checked here, and dispatched by the concrete consumers.
            var baseJson = ConsumerJsonTypes.Resolve(_consumer, _compilation, _known, _policy, _diagnostics, _cancellationToken);
            AuthorizationParser.ForClass(_consumer, _known, _diagnostics);
            FilterParser.ForClass(_consumer, _known, _diagnostics);
            var baseActions = new ActionParser(_known, baseJson, leaveTypeChecksToDerived: true, _cancellationToken);
            foreach (var method in _consumer.GetMembers().OfType<IMethodSymbol>().Where(m => ActionParser.IsAction(m, _known)))
            {
                _policy.Report(InheritedActionPolicy.Origin.Own, baseActions.Parse(method, own: true), _diagnostics);
            }

            return null;
        }

        var valid = CheckDeclaration();
        var json = ConsumerJsonTypes.Resolve(_consumer, _compilation, _known, _policy, _diagnostics, _cancellationToken);
        var constructor = ChooseConstructor();
        var actions = CollectActions(json);
        var observerParser = new ObserverParser(_consumer, _known, _diagnostics, json.Member, _cancellationToken);
        var observers = observerParser.Parse();
        var receive = new ReceiveParser(_consumer, _known, _diagnostics, json.Member, json.Context?.Name, _cancellationToken).Parse();
        var groupEvents = new GroupEventParser(_consumer, _known, _diagnostics, json.Member, _cancellationToken).Parse();
        var security = AuthorizationParser.ForClass(_consumer, _known, _diagnostics);
        var events = new PushParser(_consumer, _compilation, _known, _diagnostics, json, _cancellationToken).Parse(actions);
        var filters = FilterParser.ForClass(_consumer, _known, _diagnostics);
        if (!valid || constructor is null)
        {
            return null;
        }

        var containing = new List<string>();
        for (var type = _consumer.ContainingType; type is not null; type = type.ContainingType)
        {
            containing.Insert(0, DeclarationOf(type));
        }

        var ns = _consumer.ContainingNamespace.IsGlobalNamespace ? "" : _consumer.ContainingNamespace.ToDisplayString();
        var fullName = TypeNames.OfNotNull(_consumer);
        var hint = fullName.Replace("global::", "").Replace('<', '[').Replace('>', ']') + ".g.cs";
        var typeScript = new TypeScriptShapes(_known, json.Context, json.KeepContextPropertyNames);
        var validation = new ValidationParser(_known, typeScript);
        actions = actions.Select(a => a with
        {
            Parameters = a.Parameters.Select(p => p.Kind == ParameterKind.Json && json.TypeOf(p.Json!) is { } type
                ? p with { Validator = validation.ValidatorOf(type) }
                : p).ToEquatableArray(),
        }).ToList();
        var jsonTypes = json.Specs(typeScript);
        return new ConsumerSpec(
            hint,
            ns,
            containing.ToEquatableArray(),
            _consumer.Name,
            fullName,
            constructor.Parameters.Select(p => new ServiceSpec(
                TypeNames.OfNotNull(p.Type),
                !(p.HasExplicitDefaultValue || p.NullableAnnotation == NullableAnnotation.Annotated))).ToEquatableArray(),
            actions.ToEquatableArray(),
            jsonTypes.ToEquatableArray(),
            observers.ToEquatableArray(),
            json.Context is null ? null : TypeNames.OfNotNull(json.Context),
            security,
            DocumentationSummary.Of(_consumer, _cancellationToken),
            typeScript.Interfaces.ToEquatableArray(),
            PublicTypes.IsPublic(_consumer) && json.Symbols.All(PublicTypes.IsPublic),
            receive,
            json.KeepContextPropertyNames,
            groupEvents.ToEquatableArray(),
            ObserverHandlerBase(),
            observerParser.Rejected.ToEquatableArray(),
            events.ToEquatableArray(),
            filters,
            validation.Validators.ToEquatableArray());
    }

    // The nearest concrete base consumer, when observers with a handler are declared on it or its bases: their
    // notifications reach this consumer too (it inherits their subscribe methods), and the base's generated hooks
    // handle them. A base in this compilation is generated with this consumer; one from a reference must implement
    // IConsumerFactory of itself (it was built with the generator).
    private string? ObserverHandlerBase()
    {
        var concrete = _consumer.BaseType;
        while (concrete is not null && concrete.IsAbstract && !SymbolEqualityComparer.Default.Equals(concrete, _known.Consumer))
        {
            concrete = concrete.BaseType;
        }

        if (concrete is null || SymbolEqualityComparer.Default.Equals(concrete, _known.Consumer) || concrete.IsGenericType ||
            (!SymbolEqualityComparer.Default.Equals(concrete.ContainingAssembly, _compilation.Assembly) &&
             !concrete.AllInterfaces.Any(i => KnownTypes.Is(i, _known.ConsumerFactory) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], concrete))))
        {
            return null;
        }

        for (var type = concrete; type is not null && !SymbolEqualityComparer.Default.Equals(type, _known.Consumer); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                if (KnownTypes.FindAttribute(method, _known.ModelObserverAttribute) is { } attribute &&
                    attribute.NamedArguments.Any(a => a.Key == "Handler" && a.Value.Value is string))
                {
                    return TypeNames.OfNotNull(concrete);
                }
            }
        }

        return null;
    }

    private bool CheckDeclaration()
    {
        var valid = true;
        for (var type = _consumer; type is not null; type = type.ContainingType)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_cancellationToken) is TypeDeclarationSyntax syntax &&
                    !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsumerMustBePartial, LocationInfo.From(syntax.Identifier), type.Name));
                    valid = false;
                }
            }
        }

        if (_consumer.IsGenericType)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericConsumer, _policy.ConsumerIdentifier, _consumer.Name));
            valid = false;
        }

        return valid;
    }

    private IMethodSymbol? ChooseConstructor()
    {
        // As ActivatorUtilities does for a single candidate: the public constructor with the most parameters.
        var constructor = _consumer.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsumerWithoutPublicConstructor, _policy.ConsumerIdentifier, _consumer.Name));
        }

        return constructor;
    }

    // The consumer's own actions and those it inherits (an override speaks for the method it overrides), one per wire
    // name, without those its flags property switches off ([EnabledBy]).
    // The consumer's (or a nearer base's) override of an action, which dispatch ends up calling.
    private IMethodSymbol MostDerived(IMethodSymbol method)
    {
        for (var type = _consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, method.ContainingType); type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                for (var overridden = candidate.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, method.OriginalDefinition))
                    {
                        return candidate;
                    }
                }
            }
        }

        return method;
    }

    private List<ActionSpec> CollectActions(ConsumerJsonTypes json)
    {
        var parser = new ActionParser(_known, json, leaveTypeChecksToDerived: false, _cancellationToken);
        var switches = new ActionSwitches(_consumer, _compilation, _known, _policy, _diagnostics, _cancellationToken);
        var actions = new List<ActionSpec>();
        var names = new Dictionary<string, IMethodSymbol>();
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var type = _consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, _known.Consumer); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (overridden.Contains(method.OriginalDefinition) || !ActionParser.IsAction(method, _known))
                {
                    continue;
                }

                for (var baseMethod = method.OverriddenMethod; baseMethod is not null; baseMethod = baseMethod.OverriddenMethod)
                {
                    overridden.Add(baseMethod.OriginalDefinition);
                }

                var origin = _policy.OriginOf(method, type);
                if (origin == InheritedActionPolicy.Origin.Inaccessible)
                {
                    _diagnostics.Add(_policy.Inaccessible(method, type));
                    continue;
                }

                var parsed = parser.Parse(method, own: origin == InheritedActionPolicy.Origin.Own);
                _policy.Report(origin, parsed, _diagnostics);
                if (parsed.Spec is not { } action)
                {
                    continue;
                }

                if (names.TryGetValue(action.WireName, out var existing))
                {
                    var location = origin == InheritedActionPolicy.Origin.Own ? ActionParser.MethodIdentifier(method) : _policy.ConsumerIdentifier;
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateActionName, location, method.Name, action.WireName, existing.Name));
                    continue;
                }

                // An override of an inherited action has no [Action] of its own, and may carry the filters.
                if (MostDerived(method) is { } derived && !SymbolEqualityComparer.Default.Equals(derived, method))
                {
                    action = action with { Filters = FilterParser.ForMethod(derived, _known, _diagnostics) };
                }

                names.Add(action.WireName, method);
                if (!switches.IsSwitchedOff(method))
                {
                    actions.Add(action);
                }
            }
        }

        return actions;
    }

    private static string DeclarationOf(INamedTypeSymbol type)
    {
        var keyword = type.TypeKind switch
        {
            TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => type.IsRecord ? "record" : "class",
        };
        var typeParameters = type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
        return $"partial {keyword} {type.Name}{typeParameters}";
    }
}
