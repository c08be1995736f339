using System;
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
/// Reads the <c>[Receive]</c> handler of a concrete consumer (own or inherited): one handler, no actions beside it,
/// <c>Task|ValueTask|void Handler(TMessage message[, CancellationToken])</c>, and JSON metadata for the message type.
/// Handlers declared on the consumer are reported where they are; inherited ones on the consumer's name.
/// </summary>
internal sealed class ReceiveParser(
    INamedTypeSymbol consumer,
    KnownTypes known,
    List<DiagnosticInfo> diagnostics,
    Func<ITypeSymbol, IMethodSymbol, LocationInfo?, List<DiagnosticInfo>, string?> jsonMember,
    string? jsonContextName,
    CancellationToken cancellationToken)
{
    /// <summary>The transform of the [Receive] pipeline: reports handlers declared outside any consumer.</summary>
    public static DiagnosticInfo? CheckContainer(GeneratorAttributeSyntaxContext context)
        => MethodContainer.Check(context, DiagnosticDescriptors.ReceiveOutsideConsumer);

    /// <summary>The consumer's handler, or null when it has none or it is invalid (then reported).</summary>
    public ReceiveSpec? Parse()
    {
        var handlers = new List<IMethodSymbol>();
        IMethodSymbol? action = null;
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var type = consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (overridden.Contains(method.OriginalDefinition))
                {
                    continue;
                }

                for (var baseMethod = method.OverriddenMethod; baseMethod is not null; baseMethod = baseMethod.OverriddenMethod)
                {
                    overridden.Add(baseMethod.OriginalDefinition);
                }

                if (KnownTypes.HasAttribute(method, known.ReceiveAttribute))
                {
                    handlers.Add(method);
                }
                else if (action is null && KnownTypes.HasAttribute(method, known.ActionAttribute))
                {
                    action = method;
                }
            }
        }

        if (handlers.Count == 0)
        {
            return null;
        }

        var handler = handlers[0];
        var valid = true;
        foreach (var extra in handlers.Skip(1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateReceive, LocationOf(extra), extra.Name, consumer.Name, handler.Name));
            valid = false;
        }

        if (action is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReceiveWithActions, LocationOf(handler), consumer.Name, handler.Name, action.Name));
            valid = false;
        }

        var spec = ParseHandler(handler);
        return valid ? spec : null;
    }

    private ReceiveSpec? ParseHandler(IMethodSymbol method)
    {
        var own = SymbolEqualityComparer.Default.Equals(method.ContainingType, consumer);
        var syntax = own ? method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault() : null;
        if (SignatureProblem(method, syntax, out var at) is { } problem)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReceiveSignature, own ? at ?? LocationOf(method) : LocationOf(method), method.Name, problem));
            return null;
        }

        var returns = method.ReturnsVoid ? ReturnKind.Void
            : known.IsTaskOrValueTask(method.ReturnType, out var awaitable) && awaitable == "Task" ? ReturnKind.Task
            : ReturnKind.ValueTask;
        var message = method.Parameters.First(p => !IsToken(p.Type));
        var messageSyntax = own ? message.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as ParameterSyntax : null;
        var typeLocation = LocationInfo.From(messageSyntax?.Type) ?? LocationOf(method);
        var type = message.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : message.Type;
        string? json;
        if (KnownTypes.Is(type, known.JsonElement))
        {
            json = KnownTypes.GetPrimitiveJson(TypeNames.OfNotNull(type))!;
        }
        else
        {
            var scratch = new List<DiagnosticInfo>();
            json = jsonMember(type, method, typeLocation, scratch);
            // Without source-generated metadata the member reads by reflection: CONS0043, which the build's JSON policy
            // turns into the CONS0055 warning where reflection-based JSON is allowed (as for actions).
            if (json is null || scratch.Any(d => JsonPolicyDiagnostics.IsMissingMetadata(d.Id)))
            {
                var fix = jsonContextName is null || scratch.Any(d => d.Id == DiagnosticDescriptors.JsonContextMissing.Id)
                    ? $"add [JsonContext(typeof(YourContext))] to '{consumer.Name}' (or the assembly), where YourContext lists [JsonSerializable(typeof({type.ToDisplayString()}))]"
                    : $"add [JsonSerializable(typeof({type.ToDisplayString()}))] to '{jsonContextName}'";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReceiveMessageWithoutMetadata, own ? typeLocation : LocationOf(method), method.Name, type.ToDisplayString(), fix));
                if (json is null)
                {
                    return null;
                }
            }
        }

        var arguments = method.Parameters.Select(p => IsToken(p.Type) ? "invocation.Aborted" : "__message").ToEquatableArray();
        return new ReceiveSpec(method.Name, json, arguments, returns, TypeNames.OfNotNull(type));
    }

    // What is wrong with the handler's shape, and the token to point at; null when nothing is.
    private string? SignatureProblem(IMethodSymbol method, MethodDeclarationSyntax? syntax, out LocationInfo? at)
    {
        at = null;
        if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, consumer) && method.DeclaredAccessibility == Accessibility.Private)
        {
            return $"it is private in '{method.ContainingType.Name}'; make it protected so that '{consumer.Name}' can call it";
        }

        if (method.IsStatic)
        {
            at = Modifier(syntax, SyntaxKind.StaticKeyword);
            return "remove 'static'; the handler runs on the connection's consumer instance";
        }

        if (method.IsGenericMethod)
        {
            at = LocationInfo.From(syntax?.TypeParameterList);
            return "remove its type parameters; the message type must be concrete";
        }

        if (method.IsAbstract)
        {
            at = Modifier(syntax, SyntaxKind.AbstractKeyword);
            return "give it a body; put [Receive] on a method the consumer implements";
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            at = Modifier(syntax, SyntaxKind.AsyncKeyword);
            return "return Task instead of 'async void', so that the next message waits for it and its exceptions are answered";
        }

        if (!method.ReturnsVoid && !known.IsTaskOrValueTask(method.ReturnType, out _))
        {
            at = LocationInfo.From(syntax?.ReturnType);
            return $"it returns '{method.ReturnType.ToDisplayString()}'; a plain consumer replies with Send(...), so return Task, ValueTask or void";
        }

        var messages = method.Parameters.Where(p => !IsToken(p.Type)).ToList();
        var tokens = method.Parameters.Length - messages.Count;
        if (method.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None) is { } byRef)
        {
            at = ParameterLocation(byRef);
            return $"parameter '{byRef.Name}' is passed by reference; pass it by value";
        }

        if (messages.Count != 1 || tokens > 1)
        {
            at = LocationInfo.From(syntax?.ParameterList);
            return messages.Count == 0
                ? "it has no message parameter; declare one, e.g. 'ChatIn message'"
                : "declare exactly one message parameter (and at most one CancellationToken)";
        }

        var type = messages[0].Type;
        if (type.SpecialType != SpecialType.None || type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Delegate or TypeKind.TypeParameter or TypeKind.Dynamic || type.IsRefLikeType)
        {
            at = ParameterLocation(messages[0]);
            return $"the message parameter has type '{type.ToDisplayString()}'; every message is a JSON object, so take a DTO from the JSON context or JsonElement";
        }

        var security = method.GetAttributes().FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, known.AuthorizeAttribute) ||
            KnownTypes.Is(a.AttributeClass, known.AllowAnonymousAttribute) || KnownTypes.Is(a.AttributeClass, known.PermissionAttribute));
        if (security is not null)
        {
            at = LocationInfo.From(security.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            return "move [Authorize], [AllowAnonymous] and [Permission] to the consumer class, where they apply at the handshake and to every message";
        }

        return null;
    }

    private bool IsToken(ITypeSymbol type) => KnownTypes.Is(type, known.CancellationToken);

    private LocationInfo? ParameterLocation(IParameterSymbol parameter)
        => LocationInfo.From(parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken));

    private static LocationInfo? Modifier(MethodDeclarationSyntax? syntax, SyntaxKind kind)
    {
        var token = syntax?.Modifiers.FirstOrDefault(m => m.IsKind(kind)) ?? default;
        return token.IsKind(kind) ? LocationInfo.From(token) : null;
    }

    // A handler declared on the consumer is reported at its name; an inherited one at the consumer's name.
    private LocationInfo? LocationOf(IMethodSymbol method)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, consumer))
        {
            var identifier = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault();
            if (identifier is not null)
            {
                return identifier;
            }
        }

        return consumer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().Select(s => LocationInfo.From(s.Identifier)).FirstOrDefault();
    }
}
