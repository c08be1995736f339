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
/// Reads a consumer's <c>[GroupEvent]</c> handlers (its own and its base classes' accessible ones): the signature, the
/// event type (its runtime name and its JSON metadata), and one handler per event type.
/// </summary>
internal sealed class GroupEventParser(
    INamedTypeSymbol consumer,
    KnownTypes known,
    List<DiagnosticInfo> diagnostics,
    Func<ITypeSymbol, IMethodSymbol, LocationInfo?, List<DiagnosticInfo>, string?> jsonMember,
    CancellationToken cancellationToken)
{
    /// <summary>CONS0052 for a <c>[GroupEvent]</c> method of a class that is not a consumer; null otherwise.</summary>
    public static DiagnosticInfo? CheckContainer(GeneratorAttributeSyntaxContext context)
        => MethodContainer.Check(context, DiagnosticDescriptors.GroupEventOutsideConsumer);

    public List<GroupEventSpec> Parse()
    {
        var handlers = new List<GroupEventSpec>();
        for (var type = consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!KnownTypes.HasAttribute(method, known.GroupEventAttribute) ||
                    (!SymbolEqualityComparer.Default.Equals(type, consumer) && method.DeclaredAccessibility == Accessibility.Private) ||
                    (!SymbolEqualityComparer.Default.Equals(type, consumer) && handlers.Any(h => h.MethodName == method.Name)))
                {
                    continue;
                }

                if (ParseHandler(method, handlers) is { } spec)
                {
                    handlers.Add(spec);
                }
            }
        }

        return handlers;
    }

    private GroupEventSpec? ParseHandler(IMethodSymbol method, List<GroupEventSpec> handlers)
    {
        var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        var identifier = LocationInfo.From(syntax?.Identifier ?? default);
        var returns = method.ReturnsVoid ? "void" : known.IsTaskOrValueTask(method.ReturnType, out var awaitable) ? awaitable : null;
        var parameter = method.Parameters.Length == 1 ? method.Parameters[0] : null;
        var eventType = parameter?.Type as INamedTypeSymbol;
        var problem =
            method.IsStatic ? "is static" :
            method.IsGenericMethod ? "is generic" :
            method.IsAbstract ? "is abstract" :
            method.IsAsync && method.ReturnsVoid ? "is async void" :
            returns is null ? $"returns '{method.ReturnType.ToDisplayString()}'" :
            parameter is null ? "must take exactly one parameter, the event" :
            parameter.RefKind != RefKind.None ? "takes its event by reference" :
            eventType is null || eventType.TypeKind is not (TypeKind.Class or TypeKind.Struct) || eventType.SpecialType != SpecialType.None || IsGeneric(eventType)
                ? $"takes '{parameter.Type.ToDisplayString()}', which is not a non-generic class, record or struct" :
            null;
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GroupEventHandlerSignature, identifier, method.Name, problem));
            return null;
        }

        var name = RuntimeName(eventType!);
        if (handlers.FirstOrDefault(h => h.EventName == name) is { } first)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateGroupEventHandler, identifier, method.Name, first.MethodName, eventType!.ToDisplayString()));
            return null;
        }

        var parameterSyntax = syntax?.ParameterList.Parameters.FirstOrDefault();
        var json = jsonMember(eventType!.WithNullableAnnotation(NullableAnnotation.NotAnnotated), method, LocationInfo.From(parameterSyntax?.Type) ?? identifier, diagnostics);
        return json is null ? null : new GroupEventSpec(method.Name, name, json, returns!, PushParser.NameOf(eventType, known) is not null);
    }

    private static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    // Type.FullName of a non-generic type: the namespace, then nested types joined with '+'.
    private static string RuntimeName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
