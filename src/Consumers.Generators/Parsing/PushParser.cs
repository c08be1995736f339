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
/// Server pushes: the <c>[ConsumerEvent]</c> types of the compilation (their names, checked, for the generated
/// registration), and per consumer the events its <c>[Pushes]</c> attributes declare (own and inherited) with their
/// JSON metadata, their names checked against each other and the actions, and its typed sends of undeclared types.
/// </summary>
internal sealed class PushParser(
    INamedTypeSymbol consumer,
    Compilation compilation,
    KnownTypes known,
    List<DiagnosticInfo> diagnostics,
    ConsumerJsonTypes json,
    CancellationToken cancellationToken)
{
    // The send methods of Consumer (and IGroupSender) whose type argument is the pushed type.
    private static readonly HashSet<string> s_sends = new(StringComparer.Ordinal) { "Send", "SendToGroupAsync", "SendToUserAsync", "SendToChannelAsync", "SendAsync" };

    /// <summary>The transform of the <c>[ConsumerEvent]</c> pipeline: the type's registration, or CONS0070.</summary>
    public static Result<EventRegistration>? Declaration(GeneratorAttributeSyntaxContext context)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }

        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var name = NameOf(type, KnownTypes.For(context.SemanticModel.Compilation));
        var problem = Problem(type, name);
        if (problem is not null)
        {
            var attribute = context.Attributes[0].ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
            var location = problem.StartsWith("has the name", StringComparison.Ordinal) && attribute?.ArgumentList?.Arguments.Count > 0
                ? LocationInfo.From(attribute.ArgumentList.Arguments[0])
                : LocationInfo.From(syntax.Identifier);
            return new Result<EventRegistration>(null, new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InvalidConsumerEvent, location, type.Name, problem) }.ToEquatableArray());
        }

        return new Result<EventRegistration>(new EventRegistration(TypeNames.OfNotNull(type), name!), EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>The wire name of a <c>[ConsumerEvent]</c> type (given, or the snake_case of its name); null without the attribute.</summary>
    public static string? NameOf(ITypeSymbol type, KnownTypes known)
    {
        if (KnownTypes.FindAttribute(type, known.ConsumerEventAttribute) is not { } attribute)
        {
            return null;
        }

        return attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : SnakeCase.Convert(type.Name);
    }

    // Why a [ConsumerEvent] declaration cannot be registered, or null.
    private static string? Problem(INamedTypeSymbol type, string? name)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return "is generic (or nested in a generic type)";
            }

            if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return "is not accessible to its assembly (private or protected)";
            }
        }

        if (type.IsFileLocal)
        {
            return "is file-local";
        }

        return ActionParser.IsValidWireName(name) ? null : $"has the name '{name}'";
    }

    /// <summary>The consumer's pushed events, in declaration order (the class's own first, then its bases').</summary>
    public List<EventSpec> Parse(IReadOnlyCollection<ActionSpec> actions)
    {
        var events = new List<EventSpec>();
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        var location = LocationInfo.From(consumer.Locations.FirstOrDefault());
        for (var type = consumer; type is not null && !SymbolEqualityComparer.Default.Equals(type, known.Consumer); type = type.BaseType)
        {
            foreach (var attribute in type.GetAttributes().Where(a => KnownTypes.Is(a.AttributeClass, known.PushesAttribute)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol pushed || !seen.Add(pushed))
                {
                    continue;
                }

                var argument = SymbolEqualityComparer.Default.Equals(type, consumer) && attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax
                    ? LocationInfo.From(syntax.ArgumentList.Arguments[0])
                    : location;
                if (Parse(pushed, argument, actions, events) is { } spec)
                {
                    events.Add(spec);
                }
            }
        }

        if (events.Count > 0)
        {
            ReportUndeclaredSends(seen);
        }

        return events;
    }

    private EventSpec? Parse(INamedTypeSymbol pushed, LocationInfo? location, IReadOnlyCollection<ActionSpec> actions, List<EventSpec> events)
    {
        var name = NameOf(pushed, known);
        if (name is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PushedTypeNotAnEvent, location, consumer.Name, pushed.ToDisplayString()));
            return null;
        }

        if (Problem(pushed, name) is not null)
        {
            // CONS0070 is reported on the type's declaration.
            return null;
        }

        if (events.FirstOrDefault(e => e.WireName == name) is { } first)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEventName, location, consumer.Name, first.Type.Replace("global::", ""), pushed.ToDisplayString(), name));
            return null;
        }

        if (actions.FirstOrDefault(a => a.WireName == name) is { } action)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EventNameIsActionName, location, consumer.Name, pushed.ToDisplayString(), name, action.MethodName));
            return null;
        }

        // CONS0012/CONS0013 name what uses the type: here the consumer, whose clients receive it.
        var member = json.Member(pushed.WithNullableAnnotation(NullableAnnotation.NotAnnotated), consumer.Name, location, diagnostics, "; the consumer pushes it ([Pushes])");
        return member is null ? null : new EventSpec(name, TypeNames.OfNotNull(pushed), member, DocumentationSummary.Of(pushed, cancellationToken));
    }

    // CONS0074: a typed send in the consumer's own code of a type it does not push.
    private void ReportUndeclaredSends(HashSet<ITypeSymbol> pushed)
    {
        foreach (var reference in consumer.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            SemanticModel? model = null;
            foreach (var invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    IdentifierNameSyntax identifier => identifier,
                    GenericNameSyntax generic => generic,
                    MemberAccessExpressionSyntax access => access.Name,
                    _ => null,
                };
                if (name is null || !s_sends.Contains(name.Identifier.ValueText))
                {
                    continue;
                }

                model ??= compilation.GetSemanticModel(declaration.SyntaxTree);
                if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { TypeArguments.Length: 1 } method ||
                    !(KnownTypes.Is(method.ContainingType, known.Consumer) || KnownTypes.Is(method.ContainingType, known.GroupSender)))
                {
                    continue;
                }

                var sent = method.TypeArguments[0];
                if (sent.TypeKind != TypeKind.TypeParameter && !pushed.Contains(sent.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UndeclaredPush, LocationInfo.From(name.Identifier), consumer.Name, sent.ToDisplayString()));
                }
            }
        }
    }
}
