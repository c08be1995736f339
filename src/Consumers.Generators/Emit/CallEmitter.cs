using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Consumers.Generators.Model;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes what filters and permissions see of a call: per action a nested <c>ActionCall</c> class holding the bound
/// arguments (read back by position without boxing), the call of the method and the reply of its data; the same for the
/// <c>[Receive]</c> handler; and the <c>[ConsumerFilter]</c> lists. The binder makes a call object only when filters or
/// permissions apply: otherwise it calls the method directly.
/// </summary>
internal static class CallEmitter
{
    private const string ActionCall = "global::Consumers.Dispatch.ActionCall";
    private const string Invocation = "global::Consumers.Dispatch.ActionInvocation";
    private const string Result = "global::Consumers.ActionResult";
    private const string ResultTask = "global::System.Threading.Tasks.ValueTask<global::Consumers.ActionResult>";
    private const string FilterSource = "global::Consumers.Dispatch.FilterSource";

    /// <summary>The name of the consumer's filter list (its class-level filters), used by the receiver.</summary>
    public const string ConsumerFilters = "__Filters";

    /// <summary>The class name of an action's call.</summary>
    public static string ClassName(ActionSpec action) => "__Call_" + Suffix(action);

    /// <summary>The field of an action's filters (the consumer's and its own), or null when it has none.</summary>
    public static string? FiltersField(ConsumerSpec spec, ActionSpec action)
        => spec.Filters.Count + action.Filters.Count == 0 ? null : "__Filters_" + Suffix(action);

    /// <summary>Whether the binder always takes the call path (the action has requirements or filters of its own or its consumer's).</summary>
    public static bool AlwaysCalls(ConsumerSpec spec, ActionSpec action) => action.Security is not null || FiltersField(spec, action) is not null;

    /// <summary>The expression that makes the call object of <paramref name="action"/> in its binder.</summary>
    public static string New(ActionSpec action, IReadOnlyList<string> requestArguments)
        => $"new {ClassName(action)}(this, invocation{string.Concat(requestArguments.Select(a => ", " + a))})";

    /// <summary>The filter lists, as static fields of the consumer's part.</summary>
    public static void WriteFilters(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.Filters.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"private static readonly {FilterSource}[] {ConsumerFilters} = {Array(spec.Filters)};");
        }

        foreach (var action in spec.Actions)
        {
            if (FiltersField(spec, action) is { } field)
            {
                w.WriteLine();
                // The consumer's filters are the same instances for every action (declared above: initialized first).
                var shared = Enumerable.Range(0, spec.Filters.Count).Select(i => $"{ConsumerFilters}[{i.ToString(CultureInfo.InvariantCulture)}]");
                w.WriteLine($"private static readonly {FilterSource}[] {field} = new {FilterSource}[] {{ {string.Join(", ", shared.Concat(action.Filters.Select(Source)))} }};");
            }
        }
    }

    private static string Array(IEnumerable<FilterSpec> filters) => "new " + FilterSource + "[] { " + string.Join(", ", filters.Select(Source)) + " }";

    private static string Source(FilterSpec filter)
        => filter.Construct ? $"{FilterSource}.Of(new {filter.Type}())" : $"{FilterSource}.FromServices<{filter.Type}>()";

    /// <summary>The call class of one action.</summary>
    public static void WriteCall(SourceWriter w, ConsumerSpec spec, ActionSpec action)
    {
        var bound = action.Parameters.Select((p, i) => (Parameter: p, Index: i)).Where(x => x.Parameter.IsRequestKey).ToList();
        var name = ClassName(action);
        w.WriteLine();
        w.WriteLine($"/// <summary>A bound call of <c>{action.MethodName}</c>, for the filters and permissions of <c>{ConsumerEmitter.Xml(action.WireName)}</c>.</summary>");
        w.OpenBlock($"private sealed class {name} : {ActionCall}");
        var usesInvocation = action.IsStream || action.Parameters.Any(p => p.Kind is ParameterKind.Framework or ParameterKind.Service);
        if (usesInvocation)
        {
            w.WriteLine($"private readonly {Invocation} __invocation;");
        }

        foreach (var (p, i) in bound)
        {
            w.WriteLine($"private readonly {FieldType(p)} __arg{i};");
        }

        var hasData = action.ResultType is not null && !action.IsStream;
        if (hasData)
        {
            w.WriteLine($"private {action.ResultType} __result = default!;");
        }

        w.WriteLine();
        var parameters = string.Concat(bound.Select(x => $", {FieldType(x.Parameter)} arg{x.Index}"));
        w.OpenBlock($"public {name}({spec.FullyQualifiedName} consumer, {Invocation} invocation{parameters}) : base(consumer)");
        if (usesInvocation)
        {
            w.WriteLine("__invocation = invocation;");
        }

        foreach (var (_, i) in bound)
        {
            w.WriteLine($"__arg{i} = arg{i};");
        }

        w.CloseBlock();
        WriteArguments(w, bound.Select(x => (x.Parameter.Key, FieldType(x.Parameter), $"__arg{x.Index}")).ToList());
        w.WriteLine();
        var arguments = string.Join(", ", action.Parameters.Select((p, i) => p.Kind switch
        {
            ParameterKind.Framework => "__invocation." + p.Reader,
            ParameterKind.Service => $"global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.{p.Reader}<{p.Type}>(__invocation.Services)",
            _ => $"__arg{i}",
        }));
        var call = $"(({spec.FullyQualifiedName})Consumer).{action.MethodName}({arguments})";
        WriteInvoke(w, action, call);
        if (hasData)
        {
            var json = action.ResultIsNullableReference ? action.ResultJson + "!" : action.ResultJson;
            w.WriteLine();
            w.WriteLine($"protected override global::System.Threading.Tasks.ValueTask ReplyAsync({Invocation} invocation, {Result} result)");
            w.WriteLine($"    => IsProduced(result) ? invocation.ReplyResult<{action.ResultType}>(new global::Consumers.ActionResult<{action.ResultType}>(result.Status, __result, result.Errors ?? global::Consumers.ActionErrors.None, true), {json}) : invocation.ReplyResult(result);");
        }

        w.CloseBlock();
    }

    /// <summary>The call class of the <c>[Receive]</c> handler: the message is argument 0, <c>"message"</c>.</summary>
    public static void WriteReceive(SourceWriter w, ConsumerSpec spec, ReceiveSpec receive, string messageType)
    {
        w.WriteLine();
        w.WriteLine($"/// <summary>A message for <c>{receive.MethodName}</c>, for the filters.</summary>");
        w.OpenBlock($"private sealed class __Receive : {ActionCall}");
        w.WriteLine($"private readonly {messageType} __message;");
        w.WriteLine("private readonly global::System.Threading.CancellationToken __aborted;");
        w.WriteLine();
        w.OpenBlock($"public __Receive({spec.FullyQualifiedName} consumer, {messageType} message, global::System.Threading.CancellationToken aborted) : base(consumer)");
        w.WriteLine("__message = message;");
        w.WriteLine("__aborted = aborted;");
        w.CloseBlock();
        WriteArguments(w, [("message", messageType, "__message")]);
        w.WriteLine();
        var arguments = string.Join(", ", receive.Arguments.Select(a => a == "invocation.Aborted" ? "__aborted" : a));
        var call = $"(({spec.FullyQualifiedName})Consumer).{receive.MethodName}({arguments})";
        WriteInvoke(w, new ActionSpec("receive", receive.MethodName, default, receive.Return, null, null, false), call);
        w.CloseBlock();
    }

    private static void WriteArguments(SourceWriter w, List<(string Key, string Type, string Field)> arguments)
    {
        w.WriteLine();
        w.WriteLine($"public override int Count => {arguments.Count.ToString(CultureInfo.InvariantCulture)};");
        w.WriteLine();
        if (arguments.Count == 0)
        {
            w.WriteLine("public override string GetName(int index) => throw OutOfRange(index);");
            w.WriteLine();
            w.WriteLine("public override T Get<T>(int index) => throw OutOfRange(index);");
            return;
        }

        w.OpenBlock("public override string GetName(int index) => index switch");
        for (var i = 0; i < arguments.Count; i++)
        {
            w.WriteLine($"{i.ToString(CultureInfo.InvariantCulture)} => {ConsumerEmitter.Literal(arguments[i].Key)},");
        }

        w.WriteLine("_ => throw OutOfRange(index),");
        w.CloseBlock(";");
        w.WriteLine();
        w.OpenBlock("public override T Get<T>(int index) => index switch");
        for (var i = 0; i < arguments.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            w.WriteLine($"{index} => Convert<{arguments[i].Type}, T>({arguments[i].Field}, {index}),");
        }

        w.WriteLine("_ => throw OutOfRange(index),");
        w.CloseBlock(";");
    }

    // The method's call, awaited when it is asynchronous, as the status and errors of its result; data kept in __result.
    private static void WriteInvoke(SourceWriter w, ActionSpec action, string call)
    {
        var awaits = action.Return is ReturnKind.Task or ReturnKind.ValueTask or ReturnKind.TaskOfValue or ReturnKind.ValueTaskOfValue
            or ReturnKind.TaskOfResult or ReturnKind.ValueTaskOfResult or ReturnKind.TaskOfResultOfValue or ReturnKind.ValueTaskOfResultOfValue;
        w.OpenBlock($"protected override {(awaits ? "async " : "")}{ResultTask} InvokeAsync()");
        var done = awaits ? "return {0};" : $"return new {ResultTask}({{0}});";
        switch (action.Return)
        {
            case ReturnKind.Void:
                w.WriteLine(call + ";");
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, $"{Result}.Ok()"));
                break;
            case ReturnKind.Task or ReturnKind.ValueTask:
                w.WriteLine($"await {call}.ConfigureAwait(false);");
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, $"{Result}.Ok()"));
                break;
            case ReturnKind.Value:
                w.WriteLine($"__result = {call};");
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, "Produced(200)"));
                break;
            case ReturnKind.TaskOfValue or ReturnKind.ValueTaskOfValue:
                w.WriteLine($"__result = await {call}.ConfigureAwait(false);");
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, "Produced(200)"));
                break;
            case ReturnKind.Result:
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, call));
                break;
            case ReturnKind.TaskOfResult or ReturnKind.ValueTaskOfResult:
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, $"await {call}.ConfigureAwait(false)"));
                break;
            case ReturnKind.AsyncEnumerable or ReturnKind.ChannelReader:
                var json = action.ResultIsNullableReference ? action.ResultJson + "!" : action.ResultJson;
                w.WriteLine($"return __invocation.StreamAsync<{action.ResultType}>({call}, {json});");
                break;
            default:
                // ActionResult<T>, awaited or not: the data is kept for the reply, the status and errors go to the filters.
                w.WriteLine($"var __r = {(awaits ? "await " + call + ".ConfigureAwait(false)" : call)};");
                w.OpenBlock("if (__r.HasData)");
                w.WriteLine("__result = __r.Data!;");
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, "Produced(__r.Status, __r.Errors)"));
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine(string.Format(CultureInfo.InvariantCulture, done, $"new {Result}(__r.Status, __r.Errors ?? global::Consumers.ActionErrors.None)"));
                break;
        }

        w.CloseBlock();
    }

    // The field of a bound argument: as the method declares it (a local read as T? for a non-null DTO is passed on with !).
    private static string FieldType(ParameterSpec p) => p.Type.EndsWith("?") && !p.AcceptsNull ? p.Type.Substring(0, p.Type.Length - 1) : p.Type;

    private static string Suffix(ActionSpec action) => ConsumerEmitter.InvokerName(action).Substring("__Invoke_".Length);
}
