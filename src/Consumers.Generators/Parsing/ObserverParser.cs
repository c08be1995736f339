using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Consumers.Generators.Diagnostics;
using Consumers.Groups;
using Consumers.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Consumers.Generators.Parsing;

/// <summary>
/// Reads a consumer's <c>[ModelObserver&lt;TModel&gt;]</c> methods: the serializer signature, and the group template
/// checked against the model's members, so a typo in <c>room:{RoomId}</c> is a compile-time error.
/// </summary>
internal sealed class ObserverParser(
    INamedTypeSymbol consumer,
    KnownTypes known,
    List<DiagnosticInfo> diagnostics,
    Func<ITypeSymbol, IMethodSymbol, LocationInfo?, List<DiagnosticInfo>, string?> jsonMember,
    CancellationToken cancellationToken)
{
    /// <summary>
    /// The names <c>X</c> of the <c>SubscribeXAsync</c> / <c>UnsubscribeXAsync</c> methods that the observers rejected by
    /// a diagnostic would have had: declared anyway, so that the consumer's calls of them add no CS0103 to the error.
    /// </summary>
    public List<string> Rejected { get; } = new();

    public List<ObserverSpec> Parse()
    {
        var observers = new List<ObserverSpec>();
        foreach (var method in consumer.GetMembers().OfType<IMethodSymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attribute = KnownTypes.FindAttribute(method, known.ModelObserverAttribute);
            if (attribute?.AttributeClass?.TypeArguments.FirstOrDefault() is not INamedTypeSymbol model)
            {
                continue;
            }

            var reported = diagnostics.Count;
            if (ParseObserver(method, attribute, model) is { } spec)
            {
                observers.Add(spec);
            }
            else if (diagnostics.Skip(reported).Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error))
            {
                Rejected.AddRange(SubscribeNames(method, attribute, model).Where(n => !Rejected.Contains(n)));
            }
        }

        return observers;
    }

    // What follows "Subscribe" in the generated methods of an observer, read without checking it: the method's name,
    // and for each of several templates "By" and its placeholders' members (a misspelt one as its near miss, the name
    // a caller most likely wrote; a malformed template has none).
    private static IEnumerable<string> SubscribeNames(IMethodSymbol method, AttributeData attribute, INamedTypeSymbol model)
    {
        var groups = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Groups");
        if (groups.Key is null || groups.Value.IsNull || groups.Value.Kind != TypedConstantKind.Array)
        {
            yield return method.Name;
            yield break;
        }

        var members = NearestName.TemplateMembers(model);
        foreach (var template in groups.Value.Values.Select(v => v.Value as string).OfType<string>())
        {
            var tokens = GroupTemplateTokenizer.Tokenize(template);
            if (tokens.Any(t => t.Kind is not (GroupTemplateTokenizer.Kind.Literal or GroupTemplateTokenizer.Kind.Placeholder)))
            {
                continue;
            }

            var placeholders = tokens.Where(t => t.Kind == GroupTemplateTokenizer.Kind.Placeholder)
                .Select(t => members.Contains(t.Text) ? t.Text : NearestName.Closest(t.Text, members) ?? t.Text)
                .ToList();
            yield return method.Name + (placeholders.Count == 0 ? "" : "By" + string.Join("And", placeholders));
        }
    }

    private ObserverSpec? ParseObserver(IMethodSymbol method, AttributeData attribute, INamedTypeSymbol model)
    {
        var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        var identifier = LocationInfo.From(syntax?.Identifier ?? default);
        var problem =
            !method.IsStatic ? "it is not static" :
            method.IsGenericMethod ? "it is generic" :
            method.ReturnsVoid || method.ReturnsByRef ? "it returns nothing" :
            method.Parameters.Length != 1 || !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), model) || method.Parameters[0].RefKind != RefKind.None
                ? "it must take exactly one parameter of the model type" :
            KnownTypes.IsTaskLibrary(method.ReturnType) ? "it must return the data, not a task" :
            null;
        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverSignature, identifier, method.Name, model.Name, problem));
            return null;
        }

        var groups = ParseGroups(method, attribute, model, identifier);
        if (groups is null)
        {
            return null;
        }

        var json = jsonMember(method.ReturnType, method, LocationInfo.From(syntax?.ReturnType) ?? identifier, diagnostics);
        if (json is null)
        {
            return null;
        }

        string? handler = null;
        string? handlerReturn = null;
        if (attribute.NamedArguments.FirstOrDefault(a => a.Key == "Handler").Value.Value is string handlerName)
        {
            handlerReturn = HandlerReturn(handlerName, method.ReturnType);
            if (handlerReturn is null)
            {
                var handlerLocation = ArgumentLocation(attribute, "Handler", identifier);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverHandler, handlerLocation, handlerName, method.Name, method.ReturnType.ToDisplayString(), NearMissOfMethod(handlerName)));
                return null;
            }

            handler = handlerName;
        }

        return new ObserverSpec(
            method.Name,
            consumer.Name + "." + method.Name,
            TypeNames.OfNotNull(model),
            TypeNames.OfNotNull(method.ReturnType),
            json,
            groups.Value.Templates.ToEquatableArray(),
            groups.Value.Method,
            handler,
            handlerReturn,
            DocumentationSummary.Of(method, cancellationToken));
    }

    // The observer's groups: Group (one template), Groups (several) or GroupsMethod (a method), at most one of them.
    private (List<ObserverGroupSpec> Templates, string? Method)? ParseGroups(IMethodSymbol method, AttributeData attribute, INamedTypeSymbol model, LocationInfo? identifier)
    {
        var named = attribute.NamedArguments;
        var group = named.FirstOrDefault(a => a.Key == "Group").Value.Value as string;
        var groups = named.FirstOrDefault(a => a.Key == "Groups");
        var hasGroups = groups.Key is not null && !groups.Value.IsNull;
        var groupsMethod = named.FirstOrDefault(a => a.Key == "GroupsMethod").Value.Value as string;
        var given = new[] { group is null ? null : "Group", hasGroups ? "Groups" : null, groupsMethod is null ? null : "GroupsMethod" }
            .Where(n => n is not null).ToList();
        if (given.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupsCombined, ArgumentLocation(attribute, given[1]!, identifier), method.Name, string.Join(" and ", given)));
            return null;
        }

        if (groupsMethod is not null)
        {
            return GroupsMethod(groupsMethod, method.Name, model, ArgumentLocation(attribute, "GroupsMethod", identifier)) ? (new List<ObserverGroupSpec>(), groupsMethod) : null;
        }

        if (!hasGroups)
        {
            var location = ArgumentLocation(attribute, "Group", identifier);
            var parts = group is null ? new List<TemplatePart>() : ParseTemplate(group, method.Name, model, location);
            return parts is null ? null : (new List<ObserverGroupSpec> { new("", parts.ToEquatableArray()) }, null);
        }

        var groupsLocation = ArgumentLocation(attribute, "Groups", identifier);
        var templates = groups.Value.Values.Select(v => v.Value as string).ToList();
        if (templates.Count == 0 || templates.Any(t => t is null))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupsEmpty, groupsLocation, method.Name));
            return null;
        }

        var specs = new List<ObserverGroupSpec>();
        foreach (var template in templates)
        {
            var parts = ParseTemplate(template!, method.Name, model, groupsLocation);
            if (parts is null)
            {
                return null;
            }

            var members = parts.Where(p => p.Literal is null).Select(p => p.Member!).ToList();
            var suffix = members.Count == 0 ? "" : "By" + string.Join("And", members);
            if (specs.FindIndex(s => s.Suffix == suffix) is var clash and >= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupsSamePlaceholders, groupsLocation, templates[clash]!, template!, method.Name, method.Name + suffix));
                return null;
            }

            specs.Add(new ObserverGroupSpec(suffix, parts.ToEquatableArray()));
        }

        return (specs, null);
    }

    // Checks that GroupsMethod names a static IEnumerable<string> Name(TModel model) of the consumer (or a base).
    private bool GroupsMethod(string name, string observer, INamedTypeSymbol model, LocationInfo? location)
    {
        string? problem = null;
        for (var type = consumer; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(name).OfType<IMethodSymbol>())
            {
                var candidateProblem =
                    !candidate.IsStatic ? "is not static" :
                    candidate.IsGenericMethod ? "is generic" :
                    candidate.Parameters.Length != 1 || candidate.Parameters[0].RefKind != RefKind.None ||
                        !SymbolEqualityComparer.Default.Equals(candidate.Parameters[0].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), model)
                        ? $"must take exactly one parameter of type '{model.Name}'" :
                    !IsEnumerableOfString(candidate.ReturnType) ? $"returns '{candidate.ReturnType.ToDisplayString()}', not a sequence of strings" :
                    null;
                if (candidateProblem is null)
                {
                    return true;
                }

                problem ??= candidateProblem;
            }
        }

        diagnostics.Add(problem is null
            ? DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupsMethodNotFound, location, name, observer, consumer.Name, model.Name, NearMissOfMethod(name))
            : DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupsMethodSignature, location, name, observer, problem, model.Name));
        return false;
    }

    // " (did you mean 'X'?)" when no method of the consumer (or a base) is named so and one is close; else empty.
    private string NearMissOfMethod(string name)
    {
        var methods = NearestName.MethodNames(consumer).ToList();
        return !methods.Contains(name) && NearestName.Closest(name, methods) is { } closest ? $" (did you mean '{closest}'?)" : "";
    }

    private static bool IsEnumerableOfString(ITypeSymbol type)
        => new[] { type }.Concat(type.AllInterfaces).OfType<INamedTypeSymbol>().Any(t =>
            t.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T &&
            t.TypeArguments[0].SpecialType == SpecialType.System_String);

    private LocationInfo? ArgumentLocation(AttributeData attribute, string name, LocationInfo? fallback)
        => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } arguments } &&
            arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name) is { } argument
            ? LocationInfo.From(argument)
            : fallback;

    // The handler's return kind when it is an instance method (TData, ModelAction, IReadOnlyList<JsonElement>); else null.
    private string? HandlerReturn(string name, ITypeSymbol data)
    {
        for (var type = consumer; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(name).OfType<IMethodSymbol>())
            {
                if (candidate.IsStatic || candidate.IsGenericMethod || candidate.Parameters.Length != 3 ||
                    !SymbolEqualityComparer.Default.Equals(candidate.Parameters[0].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), data.WithNullableAnnotation(NullableAnnotation.NotAnnotated)) ||
                    !KnownTypes.Is(candidate.Parameters[1].Type, known.ModelAction) ||
                    !KnownTypes.Is(candidate.Parameters[2].Type, known.IReadOnlyListOfT) ||
                    !KnownTypes.Is(((INamedTypeSymbol)candidate.Parameters[2].Type).TypeArguments[0], known.JsonElement))
                {
                    continue;
                }

                return candidate.ReturnsVoid ? "void" : known.IsTaskOrValueTask(candidate.ReturnType, out var awaitable) ? awaitable : null;
            }
        }

        return null;
    }

    private List<TemplatePart>? ParseTemplate(string template, string observer, INamedTypeSymbol model, LocationInfo? location)
    {
        var parts = new List<TemplatePart>();
        foreach (var (kind, text) in GroupTemplateTokenizer.Tokenize(template))
        {
            switch (kind)
            {
                case GroupTemplateTokenizer.Kind.Literal:
                    if (!AddLiteral(parts, text, template, observer, location))
                    {
                        return null;
                    }

                    break;
                case GroupTemplateTokenizer.Kind.Placeholder:
                    var part = Placeholder(text, template, observer, model, location);
                    if (part is null)
                    {
                        return null;
                    }

                    parts.Add(part);
                    break;
                case GroupTemplateTokenizer.Kind.EmptyOrNested:
                    return Malformed(template, observer, location, "a placeholder is empty or nested");
                case GroupTemplateTokenizer.Kind.Unclosed:
                    return Malformed(template, observer, location, "a '{' is not closed");
                default:
                    return Malformed(template, observer, location, "a '}' has no matching '{'");
            }
        }

        return parts;
    }

    private bool AddLiteral(List<TemplatePart> parts, string literal, string template, string observer, LocationInfo? location)
    {
        var bad = literal.FirstOrDefault(c => !GroupNameRules.IsAllowed(c));
        if (bad != default(char))
        {
            Malformed(template, observer, location, $"'{bad}' is not allowed in group names (ASCII letters, digits, '-', '_', '.', ':')");
            return false;
        }

        parts.Add(new TemplatePart(literal, null, null, null, null, false));
        return true;
    }

    private TemplatePart? Placeholder(string name, string template, string observer, INamedTypeSymbol model, LocationInfo? location)
    {
        var member = AllMembers(model).FirstOrDefault(m => m.Name == name && NearestName.IsTemplateMember(m));
        if (member is null)
        {
            var members = NearestName.TemplateMembers(model);
            var hint = NearestName.Closest(name, members) is { } closest
                ? $"did you mean {{{closest}}}?"
                : members.Count == 0
                    ? "it has none, so the template can only be literal text"
                    : "use one of its members: " + string.Join(", ", members.Take(8).Select(m => "{" + m + "}")) + (members.Count > 8 ? ", ..." : "");
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupUnknownMember, location, template, observer, name, model.Name, hint));
            return null;
        }

        var type = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;
        var nullableValue = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapped ? wrapped.TypeArguments[0] : null;
        var underlying = nullableValue ?? type;
        var format = underlying.SpecialType switch
        {
            SpecialType.System_String => "string",
            SpecialType.System_Boolean => "bool",
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte or
                SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 => "number",
            _ when underlying.TypeKind == TypeKind.Enum => "enum",
            _ when KnownTypes.Is(underlying, known.Guid) => "guid",
            _ => null,
        };
        if (format is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupMemberType, location, template, observer, name, type.ToDisplayString()));
            return null;
        }

        var nullable = nullableValue is not null || (!type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);
        var parameter = char.ToLowerInvariant(name[0]) + name.Substring(1);
        if (Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(parameter) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None)
        {
            parameter = "@" + parameter;
        }

        return new TemplatePart(null, name, parameter, TypeNames.OfNotNull(underlying), format, nullable);
    }

    private List<TemplatePart>? Malformed(string template, string observer, LocationInfo? location, string problem)
    {
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ObserverGroupTemplate, location, template, observer, problem));
        return null;
    }

    private static IEnumerable<ISymbol> AllMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                yield return member;
            }
        }
    }
}
