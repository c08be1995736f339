using System.Linq;
using Consumers.Generators.Model;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes what a consumer's <c>[ModelObserver]</c>s need: their registration (groups of a change, the serializer
/// and its metadata), one group-name function per observer, the typed subscribe/unsubscribe methods, and in the
/// consumer's hooks class the calls of the observers' handlers.
/// </summary>
internal static class ObserverEmitter
{
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        foreach (var name in spec.RejectedObservers)
        {
            WriteRejectedSubscribeMethods(w, name);
        }

        if (spec.Observers.Count == 0)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine("/// <summary>Registers the consumer's model observers with this node.</summary>");
        w.OpenBlock($"static void global::Consumers.Dispatch.IConsumerFactory<{spec.FullyQualifiedName}>.RegisterObservers(global::Consumers.Observers.ObserverRegistry registry)");
        foreach (var observer in spec.Observers)
        {
            w.WriteLine($"registry.Add(new global::Consumers.Observers.ModelObserverBinding<{observer.ModelType}, {observer.DataType}>(");
            w.WriteLine($"    {ConsumerEmitter.Literal(observer.Id)},");
            w.WriteLine(observer.Groups.Count == 1
                ? $"    static model => {GroupOfModel(observer, observer.Groups[0])},"
                : $"    static model => __ObserverGroups_{observer.MethodName}(model),");
            w.WriteLine($"    static model => {observer.MethodName}(model),");
            w.WriteLine($"    {observer.DataJson}));");
        }

        w.CloseBlock();
        foreach (var observer in spec.Observers)
        {
            WriteObserver(w, observer);
        }
    }

    /// <summary>
    /// The observers' handlers, in the consumer's hooks class; observers of a concrete base consumer go to the base's
    /// hooks (<see cref="ConsumerSpec.ObserverHandlerBase"/>), as a consumer inherits the base's subscribe methods.
    /// </summary>
    public static void WriteHandlers(SourceWriter w, ConsumerSpec spec)
    {
        var handled = spec.Observers.Where(o => o.Handler is not null).ToList();
        var inherited = spec.ObserverHandlerBase;
        if (handled.Count == 0 && inherited is null)
        {
            return;
        }

        const string Parameters = "string observerId, global::System.ReadOnlyMemory<byte> data, global::Consumers.ModelAction action, global::System.Collections.Generic.IReadOnlyList<global::System.Text.Json.JsonElement> requestIds";
        var fallback = inherited is null
            ? "base.HandleNotificationAsync(consumer, observerId, data, action, requestIds)"
            : "__BaseHooks.HandleNotificationAsync(consumer, observerId, data, action, requestIds)";
        if (inherited is not null)
        {
            w.WriteLine();
            w.WriteLine($"/// <summary>The hooks of <c>{inherited.Replace("global::", "")}</c>, whose observers' notifications go to its handlers.</summary>");
            w.WriteLine($"private static readonly {ConsumerEmitter.Hooks} __BaseHooks = __HooksOf<{inherited}>();");
            w.WriteLine();
            w.WriteLine($"private static {ConsumerEmitter.Hooks} __HooksOf<T>()");
            w.WriteLine($"    where T : {ConsumerEmitter.ConsumerType}, global::Consumers.Dispatch.IConsumerFactory<T>");
            w.WriteLine("    => T.Hooks;");
        }

        var own = string.Join(" or ", handled.Select(o => ConsumerEmitter.Literal(o.Id)));
        w.WriteLine();
        w.WriteLine("/// <summary>The observers whose notifications go to a handler of this consumer.</summary>");
        w.WriteLine(inherited is null
            ? $"public override bool HandlesNotifications(string observerId) => observerId is {own};"
            : handled.Count == 0
                ? "public override bool HandlesNotifications(string observerId) => __BaseHooks.HandlesNotifications(observerId);"
                : $"public override bool HandlesNotifications(string observerId) => observerId is {own} || __BaseHooks.HandlesNotifications(observerId);");
        w.WriteLine();
        w.WriteLine("/// <summary>Deserializes a notification and calls the observer's handler.</summary>");
        if (handled.Count == 0)
        {
            w.WriteLine($"public override {ValueTask} HandleNotificationAsync({ConsumerEmitter.ConsumerType} consumer, {Parameters})");
            w.WriteLine($"    => {fallback};");
            return;
        }

        w.OpenBlock($"public override {ValueTask} HandleNotificationAsync({ConsumerEmitter.ConsumerType} consumer, {Parameters})");
        w.WriteLine($"var {ConsumerEmitter.Self} = ({spec.FullyQualifiedName})consumer;");
        w.OpenBlock("switch (observerId)");
        foreach (var observer in handled)
        {
            var call = $"{ConsumerEmitter.Self}.{observer.Handler}(global::System.Text.Json.JsonSerializer.Deserialize(data.Span, {observer.DataJson})!, action, requestIds)";
            w.WriteLine($"case {ConsumerEmitter.Literal(observer.Id)}:");
            switch (observer.HandlerReturn)
            {
                case "Task":
                    w.WriteLine($"    return new {ValueTask}({call});");
                    break;
                case "void":
                    w.WriteLine($"    {call};");
                    w.WriteLine($"    return default;");
                    break;
                default:
                    w.WriteLine($"    return {call};");
                    break;
            }
        }

        w.WriteLine("default:");
        w.WriteLine($"    return {fallback};");
        w.CloseBlock();
        w.CloseBlock();
    }

    private static void WriteObserver(SourceWriter w, ObserverSpec observer)
    {
        if (observer.GroupsMethod is { } groupsMethod)
        {
            w.WriteLine();
            w.WriteLine($"/// <summary>The group of the <see cref=\"{observer.MethodName}\"/> observer for a key returned by <see cref=\"{groupsMethod}\"/>.</summary>");
            w.WriteLine($"private static string __ObserverGroup_{observer.MethodName}(string group) => {GroupNameType}.Fit({ConsumerEmitter.Literal(observer.Id + ":")} + {GroupNameType}.EncodeValue(group));");
            w.WriteLine();
            w.WriteLine($"/// <summary>The groups of an instance: one per key <see cref=\"{groupsMethod}\"/> returns (null keys are skipped).</summary>");
            w.OpenBlock($"private static global::System.Collections.Generic.IEnumerable<string> __ObserverGroups_{observer.MethodName}({observer.ModelType} model)");
            w.OpenBlock($"foreach (var key in {groupsMethod}(model))");
            w.OpenBlock("if (key is not null)");
            w.WriteLine($"yield return __ObserverGroup_{observer.MethodName}(key);");
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            WriteSubscribeMethods(w, observer, "", $"string group", "group");
            return;
        }

        foreach (var group in observer.Groups)
        {
            WriteTemplate(w, observer, group);
        }

        if (observer.Groups.Count > 1)
        {
            w.WriteLine();
            w.WriteLine($"/// <summary>The groups of an instance: one per template whose members are not null.</summary>");
            w.OpenBlock($"private static global::System.Collections.Generic.IEnumerable<string> __ObserverGroups_{observer.MethodName}({observer.ModelType} model)");
            foreach (var group in observer.Groups)
            {
                var (conditions, call) = GroupOfModelParts(observer, group);
                if (conditions.Count == 0)
                {
                    w.WriteLine($"yield return {call};");
                }
                else
                {
                    w.OpenBlock($"if ({string.Join(" && ", conditions)})");
                    w.WriteLine($"yield return {call};");
                    w.CloseBlock();
                }
            }

            w.CloseBlock();
        }
    }

    private static void WriteTemplate(SourceWriter w, ObserverSpec observer, ObserverGroupSpec group)
    {
        var placeholders = group.Parts.Where(p => p.Literal is null).ToList();
        var parameters = string.Join(", ", placeholders.Select(p => $"{p.Type} {p.Parameter}"));
        var arguments = string.Join(", ", placeholders.Select(p => p.Parameter));

        w.WriteLine();
        w.WriteLine($"/// <summary>The group of the <see cref=\"{observer.MethodName}\"/> observer for these values.</summary>");
        // Values are encoded (GroupName.EncodeValue) so that any value makes a valid name and distinct values distinct
        // names; GroupName.Fit keeps a long result within the length limit.
        var body = string.Join(" + ", new[] { ConsumerEmitter.Literal(observer.Id + (group.Parts.Count > 0 ? ":" : "")) }
            .Concat(group.Parts.Select(Piece)));
        var name = observer.MethodName + group.Suffix;
        w.WriteLine(placeholders.Count == 0
            ? $"private static string __ObserverGroup_{name}({parameters}) => {body};"
            : $"private static string __ObserverGroup_{name}({parameters}) => {GroupNameType}.Fit({body});");
        WriteSubscribeMethods(w, observer, group.Suffix, parameters, arguments);
    }

    // An observer with an error in its declaration gets no members; these stand in for its subscribe methods so that
    // the build reports the observer's CONS error alone, not also a CS0103 at every call. They never run: the error
    // fails the build (a suppressed error would get this exception).
    private static void WriteRejectedSubscribeMethods(SourceWriter w, string name)
    {
        const string Stub = "params object?[] arguments) => throw new global::System.InvalidOperationException(";
        var message = ConsumerEmitter.Literal($"The model observer of Subscribe{name}Async has a compile-time error (the build's CONS diagnostic): fix it to get this method.");
        w.WriteLine();
        w.WriteLine($"/// <summary>Stands in while the model observer of this method has a compile-time error; it throws.</summary>");
        w.WriteLine($"internal {ValueTask} Subscribe{name}Async({Stub}{message});");
        w.WriteLine();
        w.WriteLine($"/// <summary>Stands in while the model observer of this method has a compile-time error; it throws.</summary>");
        w.WriteLine($"internal {ValueTask} Unsubscribe{name}Async({Stub}{message});");
    }

    private static void WriteSubscribeMethods(SourceWriter w, ObserverSpec observer, string suffix, string parameters, string arguments)
    {
        var name = observer.MethodName + suffix;
        var separator = parameters.Length > 0 ? ", " : "";
        w.WriteLine();
        w.WriteLine($"/// <summary>Subscribes the request to changes observed by <see cref=\"{observer.MethodName}\"/>; replies first, then one notification per change.</summary>");
        w.WriteLine($"internal {ValueTask} Subscribe{name}Async({parameters}{separator}global::Consumers.RequestContext request, global::System.Threading.CancellationToken cancellationToken = default)");
        w.WriteLine($"    => SubscribeObserverAsync(__ObserverGroup_{name}({arguments}), request, cancellationToken);");

        w.WriteLine();
        w.WriteLine($"/// <summary>Removes the request's subscription to <see cref=\"{observer.MethodName}\"/> (all of them for these values when <paramref name=\"request\"/> is null).</summary>");
        w.WriteLine($"internal {ValueTask} Unsubscribe{name}Async({parameters}{separator}global::Consumers.RequestContext? request = null, global::System.Threading.CancellationToken cancellationToken = default)");
        w.WriteLine($"    => UnsubscribeObserverAsync(__ObserverGroup_{name}({arguments}), request, cancellationToken);");
    }

    // The group of an instance; null when a nullable placeholder member is null (the instance is in no group).
    private static string GroupOfModel(ObserverSpec observer, ObserverGroupSpec group)
    {
        var (conditions, call) = GroupOfModelParts(observer, group);
        return conditions.Count == 0 ? call : $"{string.Join(" && ", conditions)} ? {call} : null";
    }

    private static (System.Collections.Generic.List<string> Conditions, string Call) GroupOfModelParts(ObserverSpec observer, ObserverGroupSpec group)
    {
        var placeholders = group.Parts.Where(p => p.Literal is null).ToList();
        var call = $"__ObserverGroup_{observer.MethodName}{group.Suffix}({string.Join(", ", placeholders.Select((p, i) => p.Nullable ? $"__v{i}" : $"model.{p.Member}"))})";
        var conditions = placeholders.Select((p, i) => (Part: p, Index: i)).Where(x => x.Part.Nullable).Select(x => $"model.{x.Part.Member} is {{ }} __v{x.Index}").ToList();
        return (conditions, call);
    }

    private static string Piece(TemplatePart part) => part.Literal is { } literal
        ? ConsumerEmitter.Literal(literal)
        : part.Format switch
        {
            "string" => $"{GroupNameType}.EncodeValue({part.Parameter})",
            "bool" => $"({part.Parameter} ? \"true\" : \"false\")",
            "guid" => $"{part.Parameter}.ToString(\"D\", {Invariant})",
            "enum" => $"{GroupNameType}.EncodeValue({part.Parameter}.ToString())",
            _ => $"{GroupNameType}.EncodeValue({part.Parameter}.ToString({Invariant}))",
        };

    private const string GroupNameType = "global::Consumers.GroupName";
}
