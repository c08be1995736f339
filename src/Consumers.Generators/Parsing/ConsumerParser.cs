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
/// Turns a consumer class symbol into a <see cref="ConsumerSpec"/> and the diagnostics of its declaration.
/// The only place that touches symbols and syntax: nothing of them leaves it.
/// </summary>
internal sealed class ConsumerParser
{
    private static readonly HashSet<string> s_reservedKeys = new() { "action", "request_id", "stream" };

    private readonly INamedTypeSymbol _consumer;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly Dictionary<string, JsonTypeSpec> _jsonTypes = new();
    private readonly Dictionary<string, ITypeSymbol> _jsonSymbols = new();
    private readonly CancellationToken _cancellationToken;
    private INamedTypeSymbol? _jsonContext;
    private Compilation? _compilation;

    // Parsing an abstract base: type checks that depend on the concrete consumer (a class type parameter, the
    // JSON context a derived class names) are left to each concrete consumer, which reports them.
    private bool _abstractBase;
    private JsonContextTypes? _jsonContextTypes;
    private bool _keepContextPropertyNames;

    // Failures that drop an action without a diagnostic of their own (an unknown type: the compiler reports it).
    private int _silentFailures;

    private ConsumerParser(INamedTypeSymbol consumer, CancellationToken cancellationToken)
    {
        _consumer = consumer;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The transform of the class pipeline; null when the class is not (the primary declaration of) a consumer.</summary>
    public static Result<ConsumerSpec>? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol symbol ||
            !KnownTypes.DerivesFrom(symbol, KnownTypes.ConsumerBase) ||
            !IsPrimaryDeclaration(symbol, declaration))
        {
            return null;
        }

        var parser = new ConsumerParser(symbol, cancellationToken);
        var spec = parser.Parse(context.SemanticModel.Compilation);
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

    private ConsumerSpec? Parse(Compilation compilation)
    {
        _compilation = compilation;
        var ownActions = _consumer.GetMembers().OfType<IMethodSymbol>().Where(HasActionAttribute).ToList();
        if (_consumer.IsAbstract)
        {
            _abstractBase = true;
            ResolveJsonContext(compilation, reportInvalid: false);
            AuthorizationParser.ForClass(_consumer, _diagnostics);
            // A base class: its own actions are checked here, and dispatched by the concrete consumers.
            foreach (var method in ownActions)
            {
                ParseAction(method, own: true);
            }

            return null;
        }

        var valid = CheckDeclaration();
        ResolveJsonContext(compilation, reportInvalid: true);
        var constructor = ChooseConstructor();
        var actions = CollectActions();
        var observers = new ObserverParser(_consumer, _diagnostics, JsonMember, _cancellationToken).Parse();
        var receive = new ReceiveParser(_consumer, _diagnostics, JsonMember, _jsonContext?.Name, _cancellationToken).Parse();
        var groupEvents = new GroupEventParser(_consumer, _diagnostics, JsonMember, _cancellationToken).Parse();
        var security = AuthorizationParser.ForClass(_consumer, _diagnostics);
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
        var typeScript = new TypeScriptShapes(_jsonContext, _keepContextPropertyNames);
        var jsonTypes = _jsonTypes.Values.Select(t => t with { TypeScript = typeScript.Expression(_jsonSymbols[t.Type]) }).ToList();
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
            _jsonContext is null ? null : TypeNames.OfNotNull(_jsonContext),
            security,
            DocumentationSummary.Of(_consumer, _cancellationToken),
            typeScript.Interfaces.ToEquatableArray(),
            PublicTypes.IsPublic(_consumer) && _jsonSymbols.Values.All(PublicTypes.IsPublic),
            receive,
            _keepContextPropertyNames,
            groupEvents.ToEquatableArray());
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
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericConsumer, IdentifierOf(_consumer), _consumer.Name));
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
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConsumerWithoutPublicConstructor, IdentifierOf(_consumer), _consumer.Name));
        }

        return constructor;
    }

    private static AttributeData? FindJsonContextAttribute(INamedTypeSymbol consumer, Compilation compilation)
    {
        AttributeData? attribute = null;
        for (var type = consumer; type is not null && attribute is null; type = type.BaseType)
        {
            attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.JsonContextAttribute);
        }

        return attribute ?? compilation.Assembly.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.JsonContextAttribute);
    }

    private void ResolveJsonContext(Compilation compilation, bool reportInvalid)
    {
        var attribute = FindJsonContextAttribute(_consumer, compilation);
        if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol context)
        {
            return;
        }

        _keepContextPropertyNames = attribute.NamedArguments.Any(a => a.Key == "KeepContextPropertyNames" && a.Value.Value is true);

        if (!KnownTypes.DerivesFrom(context, KnownTypes.JsonSerializerContext))
        {
            if (!reportInvalid)
            {
                return;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidJsonContext, LocationInfo.From(location), context.ToDisplayString()));
            return;
        }

        _jsonContext = context;
        _jsonContextTypes = JsonContextTypes.From(context);
    }

    private List<ActionSpec> CollectActions()
    {
        var actions = new List<ActionSpec>();
        var names = new Dictionary<string, IMethodSymbol>();
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var type = _consumer; type is not null && type.ToDisplayString() != KnownTypes.ConsumerBase; type = type.BaseType)
        {
            var own = SymbolEqualityComparer.Default.Equals(type, _consumer);
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (overridden.Contains(method.OriginalDefinition) || !HasActionAttribute(method))
                {
                    continue;
                }

                for (var baseMethod = method.OverriddenMethod; baseMethod is not null; baseMethod = baseMethod.OverriddenMethod)
                {
                    overridden.Add(baseMethod.OriginalDefinition);
                }

                if (!own && method.DeclaredAccessibility == Accessibility.Private)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleInheritedAction, IdentifierOf(_consumer), method.Name, type.Name, _consumer.Name));
                    continue;
                }

                var action = ParseAction(method, own);
                if (action is null)
                {
                    continue;
                }

                if (names.TryGetValue(action.WireName, out var existing))
                {
                    var location = own ? MethodIdentifier(method) : IdentifierOf(_consumer);
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateActionName, location, method.Name, action.WireName, existing.Name));
                    continue;
                }

                names.Add(action.WireName, method);
                actions.Add(action);
            }
        }

        return actions;
    }

    private static bool HasActionAttribute(IMethodSymbol method)
        => method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ActionAttribute);

    private ActionSpec? ParseAction(IMethodSymbol method, bool own)
    {
        var syntax = own ? method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault() : null;
        var before = _diagnostics.Count;
        var silentBefore = _silentFailures;

        // Inherited actions are checked where they are declared; here they are only skipped when invalid.
        var report = own ? _diagnostics : new List<DiagnosticInfo>();
        var wireName = WireNameOf(method, report);

        if (method.IsStatic)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeStatic, ModifierLocation(syntax, SyntaxKind.StaticKeyword) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsGenericMethod)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeGeneric, LocationInfo.From(syntax?.TypeParameterList) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsAbstract)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeAbstract, ModifierLocation(syntax, SyntaxKind.AbstractKeyword) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionAsyncVoid, ModifierLocation(syntax, SyntaxKind.AsyncKeyword) ?? MethodIdentifier(method), method.Name));
        }

        var parameters = new List<ParameterSpec>();
        foreach (var parameter in method.Parameters)
        {
            var spec = ParseParameter(method, parameter, report);
            if (spec is not null)
            {
                parameters.Add(spec);
            }
        }

        var (kind, resultJson, resultType, nullableReference) = ParseReturn(method, syntax, report);
        var security = AuthorizationParser.ForMethod(method, report);
        // A type without source-generated metadata (CONS0012, CONS0013) keeps the action: the build's JSON policy
        // decides whether that is an error or a warning with reflection-based metadata (JsonPolicyDiagnostics).
        var failed = _silentFailures != silentBefore || (own ? _diagnostics.Skip(before) : report).Any(d => !JsonPolicyDiagnostics.IsMissingMetadata(d.Id));
        if (!own && report.Count > 0 && IsDeferredByBase(method))
        {
            // The abstract base left these checks to us; the base may be in another file or assembly.
            var at = IdentifierOf(_consumer);
            foreach (var diagnostic in report.Where(d => d.Id is "CONS0011" or "CONS0012" or "CONS0013"))
            {
                _diagnostics.Add(diagnostic with { Location = at });
            }
        }

        return failed || wireName is null ? null : new ActionSpec(wireName, method.Name, parameters.ToEquatableArray(), kind, resultJson, resultType, nullableReference, security, DocumentationSummary.Of(method, _cancellationToken), SubscriptionCalls.In(syntax));
    }

    private static string? WireNameOf(IMethodSymbol method, List<DiagnosticInfo> report)
    {
        var attribute = method.GetAttributes().First(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ActionAttribute);
        if (attribute.ConstructorArguments.Length == 0)
        {
            return SnakeCase.ActionName(method.Name);
        }

        var name = attribute.ConstructorArguments[0].Value as string;
        if (string.IsNullOrEmpty(name) || name!.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            var argument = attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax
                ? LocationInfo.From(syntax.ArgumentList.Arguments[0])
                : null;
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidActionName, argument, name ?? "", method.Name));
            return null;
        }

        return name;
    }

    private ParameterSpec? ParseParameter(IMethodSymbol method, IParameterSymbol parameter, List<DiagnosticInfo> report)
    {
        var syntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as ParameterSyntax;
        var location = LocationInfo.From(syntax) ?? MethodIdentifier(method);
        if (parameter.RefKind != RefKind.None || parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
        {
            var what = parameter.RefKind switch
            {
                RefKind.Ref => "ref",
                RefKind.Out => "out",
                RefKind.In => "in",
                RefKind.None => "a pointer",
                _ => "ref readonly",
            };
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionParameterByReference, location, parameter.Name, method.Name, what));
            return null;
        }

        var type = parameter.Type;
        if (KnownTypes.IsFramework(type, out var member))
        {
            return new ParameterSpec(ParameterKind.Framework, parameter.Name, TypeNames.Of(type), member, null, null, false, false, "default", null);
        }

        var key = SnakeCase.Convert(parameter.Name);
        if (s_reservedKeys.Contains(key) || parameter.Name == "requestId")
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedParameterName, LocationInfo.From(syntax?.Identifier ?? default) ?? location, parameter.Name, method.Name, key));
            return null;
        }

        var typeLocation = LocationInfo.From(syntax?.Type) ?? location;
        if (_abstractBase && ContainsClassTypeParameter(type))
        {
            return null;
        }

        if (NotSerializableReason(type, isParameter: true) is { } reason)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, typeLocation, $"Parameter '{parameter.Name}'", method.Name, type.ToDisplayString(), reason));
            return null;
        }

        if (ServiceParameters.IsService(parameter))
        {
            // SignalR's hub methods take services the same way; never bound from JSON, never in the contract.
            var nullable = parameter.NullableAnnotation == NullableAnnotation.Annotated || parameter.HasExplicitDefaultValue;
            return new ParameterSpec(ParameterKind.Service, parameter.Name, TypeNames.OfNotNull(type), nullable ? "GetService" : "GetRequiredService", null, null, false, false, "default", null);
        }

        var isNullableValue = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        var underlying = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var acceptsNull = isNullableValue || (!type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);
        var optional = parameter.HasExplicitDefaultValue || isNullableValue || (!type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated);
        var defaultValue = parameter.HasExplicitDefaultValue ? Literal(parameter.ExplicitDefaultValue, type) : "default";
        var localType = TypeNames.Of(type);
        if (!type.IsValueType && !acceptsNull)
        {
            // The local starts as null until bound; required-ness is checked before the call.
            localType += "?";
        }

        if (KnownTypes.GetPrimitive(underlying) is { } primitive)
        {
            return new ParameterSpec(ParameterKind.Primitive, key, localType, primitive.Reader, TypeNames.OfNotNull(underlying), primitive.Error, acceptsNull, !optional, defaultValue, null);
        }

        var json = JsonMember(underlying, method, typeLocation, report);
        return json is null
            ? null
            : new ParameterSpec(ParameterKind.Json, key, localType, null, null, null, acceptsNull, !optional, defaultValue, json);
    }

    private (ReturnKind Kind, string? Json, string? Type, bool NullableReference) ParseReturn(IMethodSymbol method, MethodDeclarationSyntax? syntax, List<DiagnosticInfo> report)
    {
        var location = LocationInfo.From(syntax?.ReturnType) ?? MethodIdentifier(method);
        var type = method.ReturnType;
        if (method.ReturnsVoid)
        {
            return (ReturnKind.Void, null, null, false);
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionUnsupportedReturnType, location, method.Name, "ref " + type.ToDisplayString()));
            return default;
        }

        var display = type.OriginalDefinition.ToDisplayString();
        ReturnWrapper wrapper;
        ITypeSymbol inner;
        switch (display)
        {
            case "System.Threading.Tasks.Task":
                return (ReturnKind.Task, null, null, false);
            case "System.Threading.Tasks.ValueTask":
                return (ReturnKind.ValueTask, null, null, false);
            case "System.Threading.Tasks.Task<TResult>":
                wrapper = ReturnWrapper.Task;
                inner = ((INamedTypeSymbol)type).TypeArguments[0];
                break;
            case "System.Threading.Tasks.ValueTask<TResult>":
                wrapper = ReturnWrapper.ValueTask;
                inner = ((INamedTypeSymbol)type).TypeArguments[0];
                break;
            default:
                wrapper = ReturnWrapper.None;
                inner = type;
                break;
        }

        var innerDisplay = inner.OriginalDefinition.ToDisplayString();
        if (innerDisplay.StartsWith("System.Threading.Tasks.", System.StringComparison.Ordinal) ||
            innerDisplay.StartsWith("System.Collections.Generic.IAsyncEnumerable", System.StringComparison.Ordinal) ||
            innerDisplay == "System.Collections.Generic.IAsyncEnumerator<T>")
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActionUnsupportedReturnType, location, method.Name, type.ToDisplayString()));
            return default;
        }

        if (innerDisplay == KnownTypes.ActionResult)
        {
            return (wrapper switch { ReturnWrapper.Task => ReturnKind.TaskOfResult, ReturnWrapper.ValueTask => ReturnKind.ValueTaskOfResult, _ => ReturnKind.Result }, null, null, false);
        }

        var kind = wrapper switch { ReturnWrapper.Task => ReturnKind.TaskOfValue, ReturnWrapper.ValueTask => ReturnKind.ValueTaskOfValue, _ => ReturnKind.Value };
        if (inner is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.ToDisplayString() == "Consumers.ActionResult<T>")
        {
            inner = named.TypeArguments[0];
            kind = wrapper switch { ReturnWrapper.Task => ReturnKind.TaskOfResultOfValue, ReturnWrapper.ValueTask => ReturnKind.ValueTaskOfResultOfValue, _ => ReturnKind.ResultOfValue };
        }

        if (_abstractBase && ContainsClassTypeParameter(inner))
        {
            return default;
        }

        if (NotSerializableReason(inner, isParameter: false) is { } reason)
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, location, "The result", method.Name, inner.ToDisplayString(), reason));
            return default;
        }

        var json = KnownTypes.GetPrimitiveJson(TypeNames.Of(inner)) ?? JsonMember(inner, method, location, report);
        var nullableReference = !inner.IsValueType && inner.NullableAnnotation == NullableAnnotation.Annotated;
        return json is null ? default : (kind, json, TypeNames.Of(inner), nullableReference);
    }

    private static string? NotSerializableReason(ITypeSymbol type, bool isParameter)
    {
        if (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
        {
            return "pointers have no JSON form";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "delegates have no JSON form";
        }

        if (type.IsRefLikeType)
        {
            return "ref structs cannot be stored or serialized";
        }

        if (type.TypeKind == TypeKind.TypeParameter)
        {
            return "open type parameters have no source-generated metadata";
        }

        if (type.TypeKind == TypeKind.Dynamic)
        {
            return "dynamic has no source-generated metadata";
        }

        var display = type.OriginalDefinition.ToDisplayString();
        if (isParameter && display.StartsWith("System.Threading.Tasks.", System.StringComparison.Ordinal))
        {
            return "tasks are not data";
        }

        if (display is "System.Type" or "System.IntPtr" or "System.UIntPtr" || display.StartsWith("System.Reflection.", System.StringComparison.Ordinal))
        {
            return "runtime handles are not data";
        }

        return null;
    }

    private string? JsonMember(ITypeSymbol type, IMethodSymbol method, LocationInfo? location, List<DiagnosticInfo> report)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            // The compiler reports the unknown type.
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.JsonContextMissing, location, method.Name, type.ToDisplayString(), _consumer.Name));
            _silentFailures++;
            return null;
        }

        var name = TypeNames.OfNotNull(type);
        var reflection = false;
        if (_jsonContext is null)
        {
            if (_abstractBase)
            {
                return null;
            }

            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.JsonContextMissing, location, method.Name, type.ToDisplayString(), _consumer.Name));
            reflection = true;
        }
        else if (!_jsonContextTypes!.Contains(type))
        {
            report.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMissingFromJsonContext, location, method.Name, type.ToDisplayString(), _jsonContext.Name));
            reflection = true;
        }

        if (!_jsonTypes.TryGetValue(name, out var spec))
        {
            spec = new JsonTypeSpec(name, "__Json" + _jsonTypes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Reflection: reflection);
            _jsonTypes.Add(name, spec);
            _jsonSymbols.Add(name, type);
        }

        return spec.Member;
    }

    private bool IsDeferredByBase(IMethodSymbol method)
    {
        if (method.ContainingType is not { IsAbstract: true } declaring)
        {
            return false;
        }

        var definition = method.OriginalDefinition;
        return ContainsClassTypeParameter(definition.ReturnType)
            || definition.Parameters.Any(p => ContainsClassTypeParameter(p.Type))
            || FindJsonContextAttribute(declaring.OriginalDefinition, _compilation!) is null;
    }

    private static bool ContainsClassTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Type } => true,
        IArrayTypeSymbol array => ContainsClassTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsClassTypeParameter),
        _ => false,
    };

    private static string Literal(object? value, ITypeSymbol type)
    {
        if (value is null)
        {
            return "default";
        }

        // Each constant keeps its own type's literal form: a decimal or float default written as a double
        // literal and cast would lose digits (1.0000000000000000000000000001m) or not compile (NaN).
        var literal = value switch
        {
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => SymbolDisplay.FormatPrimitive(f, quoteStrings: false, useHexadecimalNumbers: false) + "f",
            double d => SymbolDisplay.FormatPrimitive(d, quoteStrings: false, useHexadecimalNumbers: false) + "d",
            decimal m => SymbolDisplay.FormatPrimitive(m, quoteStrings: false, useHexadecimalNumbers: false) + "m",
            _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
        };
        return value is string or bool ? literal : $"({TypeNames.Of(type)})({literal})";
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

    private static LocationInfo? ModifierLocation(MethodDeclarationSyntax? syntax, SyntaxKind kind)
    {
        if (syntax is null)
        {
            return null;
        }

        var token = syntax.Modifiers.FirstOrDefault(m => m.IsKind(kind));
        return token.IsKind(kind) ? LocationInfo.From(token) : null;
    }

    private static LocationInfo? MethodIdentifier(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault()
            ?? LocationInfo.From(method.Locations.FirstOrDefault());

    private static LocationInfo? IdentifierOf(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault();
}
