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
/// Turns one <c>[Action]</c> method, as a given consumer sees it, into its <see cref="ActionSpec"/> and the diagnostics of
/// its declaration. What the consumer reports of them is <see cref="InheritedActionPolicy"/>'s decision.
/// </summary>
internal sealed class ActionParser(
    KnownTypes known,
    ConsumerJsonTypes json,
    bool leaveTypeChecksToDerived,
    CancellationToken cancellationToken)
{
    private static readonly HashSet<string> s_reservedKeys = new() { "action", "request_id", "stream" };

    /// <summary>An action parsed.</summary>
    /// <param name="Spec">The action to dispatch, or null when it is invalid.</param>
    /// <param name="Diagnostics">Everything wrong with it, in source order.</param>
    /// <param name="TypeChecks">The part of <paramref name="Diagnostics"/> about its types (CONS0011, CONS0012, CONS0013), which depend on the consumer.</param>
    public sealed record Parsed(ActionSpec? Spec, List<DiagnosticInfo> Diagnostics, List<DiagnosticInfo> TypeChecks);

    /// <summary>Whether <paramref name="method"/> is marked <c>[Action]</c>.</summary>
    public static bool IsAction(IMethodSymbol method, KnownTypes known) => KnownTypes.HasAttribute(method, known.ActionAttribute);

    /// <summary>Parses <paramref name="method"/>; <paramref name="own"/> when the consumer declares it (then its syntax gives the locations).</summary>
    public Parsed Parse(IMethodSymbol method, bool own)
    {
        var syntax = own ? method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault() : null;
        var report = new Report();
        var wireName = WireNameOf(method, report);

        if (method.IsStatic)
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeStatic, ModifierLocation(syntax, SyntaxKind.StaticKeyword) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsGenericMethod)
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeGeneric, LocationInfo.From(syntax?.TypeParameterList) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsAbstract)
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionMustNotBeAbstract, ModifierLocation(syntax, SyntaxKind.AbstractKeyword) ?? MethodIdentifier(method), method.Name));
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionAsyncVoid, ModifierLocation(syntax, SyntaxKind.AsyncKeyword) ?? MethodIdentifier(method), method.Name));
        }

        var parameters = new List<ParameterSpec>();
        foreach (var parameter in method.Parameters)
        {
            if (ParseParameter(method, parameter, report) is { } parameterSpec)
            {
                parameters.Add(parameterSpec);
            }
        }

        var (kind, resultJson, resultType, nullableReference) = ParseReturn(method, syntax, report);
        var securityDiagnostics = new List<DiagnosticInfo>();
        var security = AuthorizationParser.ForMethod(method, known, securityDiagnostics);
        var filters = FilterParser.ForMethod(method, known, securityDiagnostics);
        securityDiagnostics.ForEach(report.Error);

        // Concurrent actions and streams share the consumer instance with the actions running beside them.
        var concurrent = IsConcurrent(method);
        if (concurrent || kind is ReturnKind.AsyncEnumerable or ReturnKind.ChannelReader)
        {
            foreach (var (member, location) in ConcurrentFieldWrites.In(syntax, method, known))
            {
                report.Warning(DiagnosticInfo.Create(DiagnosticDescriptors.ConcurrentActionAssignsState, location ?? MethodIdentifier(method), method.Name, member));
            }
        }

        // A type without source-generated metadata (CONS0012, CONS0013) keeps the action: the build's JSON policy
        // decides whether that is an error or a warning with reflection-based metadata (JsonPolicyDiagnostics).
        var spec = report.Failed || wireName is null
            ? null
            : new ActionSpec(wireName, method.Name, parameters.ToEquatableArray(), kind, resultJson, resultType, nullableReference, security, DocumentationSummary.Of(method, cancellationToken), SubscriptionCalls.In(syntax), concurrent, filters);
        return new Parsed(spec, report.All, report.TypeChecks);
    }

    private string? WireNameOf(IMethodSymbol method, Report report)
    {
        var attribute = KnownTypes.FindAttribute(method, known.ActionAttribute)!;
        if (attribute.ConstructorArguments.Length == 0)
        {
            return SnakeCase.ActionName(method.Name);
        }

        var name = attribute.ConstructorArguments[0].Value as string;
        if (!IsValidWireName(name))
        {
            var argument = attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax
                ? LocationInfo.From(syntax.ArgumentList.Arguments[0])
                : null;
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidActionName, argument, name ?? "", method.Name));
            return null;
        }

        return name;
    }

    /// <summary>Whether a wire name (an action's, an event's) is usable: not empty, no whitespace or control characters, not starting with '$' (control actions).</summary>
    internal static bool IsValidWireName(string? name)
        => !string.IsNullOrEmpty(name) && !name!.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) && name![0] != '$';

    // [Action(Concurrent = true)]
    private bool IsConcurrent(IMethodSymbol method)
        => KnownTypes.FindAttribute(method, known.ActionAttribute)!.NamedArguments
            .Any(a => a.Key == "Concurrent" && a.Value.Value is true);

    private ParameterSpec? ParseParameter(IMethodSymbol method, IParameterSymbol parameter, Report report)
    {
        var syntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as ParameterSyntax;
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
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionParameterByReference, location, parameter.Name, method.Name, what));
            return null;
        }

        var type = parameter.Type;
        if (known.IsFramework(type, out var member))
        {
            return new ParameterSpec(ParameterKind.Framework, parameter.Name, TypeNames.Of(type), member, null, null, false, false, "default", null);
        }

        var key = SnakeCase.Convert(parameter.Name);
        if (s_reservedKeys.Contains(key) || parameter.Name == "requestId")
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedParameterName, LocationInfo.From(syntax?.Identifier ?? default) ?? location, parameter.Name, method.Name, key));
            return null;
        }

        var typeLocation = LocationInfo.From(syntax?.Type) ?? location;
        if (leaveTypeChecksToDerived && InheritedActionPolicy.ContainsClassTypeParameter(type))
        {
            return null;
        }

        if (NotSerializableReason(type, isParameter: true) is { } reason)
        {
            report.TypeError(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, typeLocation, $"Parameter '{parameter.Name}'", method.Name, type.ToDisplayString(), reason));
            return null;
        }

        if (ServiceParameters.IsService(parameter, known))
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

        if (known.GetPrimitive(underlying) is { } primitive)
        {
            return new ParameterSpec(ParameterKind.Primitive, key, localType, primitive.Reader, TypeNames.OfNotNull(underlying), primitive.Error, acceptsNull, !optional, defaultValue, null);
        }

        var hint = ServiceParameters.LooksLikeService(underlying)
            ? $"; or, if '{underlying.Name}' is a service and not request data, mark the parameter [FromServices] (a concrete class parameter is request data unless marked)"
            : "";
        var metadata = JsonMember(underlying, method, typeLocation, report, hint);
        return metadata is null
            ? null
            : new ParameterSpec(ParameterKind.Json, key, localType, null, null, null, acceptsNull, !optional, defaultValue, metadata);
    }

    private (ReturnKind Kind, string? Json, string? Type, bool NullableReference) ParseReturn(IMethodSymbol method, MethodDeclarationSyntax? syntax, Report report)
    {
        var location = LocationInfo.From(syntax?.ReturnType) ?? MethodIdentifier(method);
        var shape = ReturnShapeParser.Read(method, known);
        if (shape.Unsupported is { } unsupported)
        {
            report.Error(DiagnosticInfo.Create(DiagnosticDescriptors.ActionUnsupportedReturnType, location, method.Name, unsupported));
            return default;
        }

        if (shape.Data is not { } data)
        {
            return (shape.Kind, null, null, false);
        }

        if (leaveTypeChecksToDerived && InheritedActionPolicy.ContainsClassTypeParameter(data))
        {
            return default;
        }

        if (NotSerializableReason(data, isParameter: false) is { } reason)
        {
            report.TypeError(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, location, "The result", method.Name, data.ToDisplayString(), reason));
            return default;
        }

        var member = KnownTypes.GetPrimitiveJson(TypeNames.Of(data)) ?? JsonMember(data, method, location, report, hint: "");
        var nullableReference = !data.IsValueType && data.NullableAnnotation == NullableAnnotation.Annotated;
        return member is null ? default : (shape.Kind, member, TypeNames.Of(data), nullableReference);
    }

    // The consumer's member for the type's metadata; the action is dropped when there is none (an unknown type).
    private string? JsonMember(ITypeSymbol type, IMethodSymbol method, LocationInfo? location, Report report, string hint)
    {
        var found = new List<DiagnosticInfo>();
        var member = json.Member(type, method, location, found, hint);
        report.MissingMetadata(found);
        if (member is null)
        {
            report.Drop();
        }

        return member;
    }

    private string? NotSerializableReason(ITypeSymbol type, bool isParameter)
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

        if (isParameter && KnownTypes.IsTaskLibrary(type))
        {
            return "tasks are not data";
        }

        if (KnownTypes.Is(type, known.Type) || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr || KnownTypes.IsReflection(type))
        {
            return "runtime handles are not data";
        }

        return null;
    }

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

    private static LocationInfo? ModifierLocation(MethodDeclarationSyntax? syntax, SyntaxKind kind)
    {
        if (syntax is null)
        {
            return null;
        }

        var token = syntax.Modifiers.FirstOrDefault(m => m.IsKind(kind));
        return token.IsKind(kind) ? LocationInfo.From(token) : null;
    }

    /// <summary>The location of a method's name, in any declaring file.</summary>
    public static LocationInfo? MethodIdentifier(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault()
            ?? LocationInfo.From(method.Locations.FirstOrDefault());

    // The diagnostics of one action as they are found, and whether it can still be dispatched.
    private sealed class Report
    {
        public List<DiagnosticInfo> All { get; } = new();

        public List<DiagnosticInfo> TypeChecks { get; } = new();

        public bool Failed { get; private set; }

        // Worth a look, but the action stays.
        public void Warning(DiagnosticInfo diagnostic) => All.Add(diagnostic);

        // A problem of the declaration: the action is dropped.
        public void Error(DiagnosticInfo diagnostic)
        {
            All.Add(diagnostic);
            Failed = true;
        }

        // A type that cannot travel as JSON: the action is dropped.
        public void TypeError(DiagnosticInfo diagnostic)
        {
            Error(diagnostic);
            TypeChecks.Add(diagnostic);
        }

        // Types without source-generated metadata: the action stays, read by reflection where the build allows it.
        public void MissingMetadata(List<DiagnosticInfo> diagnostics)
        {
            All.AddRange(diagnostics);
            TypeChecks.AddRange(diagnostics);
        }

        // A failure whose diagnostic is another's (the compiler's, for an unknown type).
        public void Drop() => Failed = true;
    }
}
