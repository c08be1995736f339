using System.Linq;
using Consumers.Generators.Model;
using Consumers.Generators.Parsing;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes a consumer's <c>IConsumerFactory&lt;T&gt;.Contract</c>: its actions (wire names, request keys with their
/// metadata, required and nullable flags, the result's metadata (a stream's item metadata), whether it is concurrent
/// or streams) and the observers whose notifications reach
/// clients, as data the runtime turns into the AsyncAPI document. The metadata members are the ones the binders use.
/// </summary>
internal static class ContractEmitter
{
    private const string Namespace = "global::Consumers.Contracts.";

    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        var contract = Namespace + "ConsumerContract";
        w.WriteLine();
        w.WriteLine($"private static {contract}? __ContractCache;");
        w.WriteLine();
        w.WriteLine("/// <summary>The consumer's actions and observers, for the AsyncAPI document.</summary>");
        w.WriteLine($"static {contract}? global::Consumers.Dispatch.IConsumerFactory<{spec.FullyQualifiedName}>.Contract => __ContractCache ??= new {contract}(");
        w.WriteLine($"    {ConsumerEmitter.Literal(spec.Name)},");
        w.WriteLine($"    {Text(spec.Summary)},");
        w.WriteLine($"    new {Namespace}ActionContract[]");
        w.WriteLine("    {");
        foreach (var action in spec.Actions)
        {
            var parameters = action.Parameters
                .Where(p => p.IsRequestKey)
                .Select(p => $"new({ConsumerEmitter.Literal(p.Key)}, {Metadata(p)}, {Bool(p.Required)}, {Bool(p.AcceptsNull)})");
            var list = parameters.Any()
                ? $"new {Namespace}ParameterContract[] {{ {string.Join(", ", parameters)} }}"
                : $"global::System.Array.Empty<{Namespace}ParameterContract>()";
            var flags = (action.Concurrent ? ", Concurrent: true" : "") + (action.IsStream ? ", Stream: true" : "");
            w.WriteLine($"        new({ConsumerEmitter.Literal(action.WireName)}, {Text(action.Summary)}, {list}, {action.ResultJson ?? "null"}, {Bool(ResultNullable(action))}{flags}),");
        }

        w.WriteLine("    },");
        w.WriteLine($"    new {Namespace}NotificationContract[]");
        w.WriteLine("    {");
        foreach (var observer in spec.Observers.Where(o => o.Handler is null))
        {
            w.WriteLine($"        new({ConsumerEmitter.Literal(SnakeCase.Convert(observer.MethodName))}, {Text(observer.Summary)}, {observer.DataJson}),");
        }

        var close = spec.Receive is { } receive ? $"    }}, {receive.Json})" : "    })";
        if (spec.Events.Count == 0)
        {
            w.WriteLine(close + ";");
            return;
        }

        // Server pushes: the [Pushes] events, each a send operation of the document.
        w.WriteLine(close);
        w.WriteLine("{");
        w.WriteLine($"    Events = new {Namespace}EventContract[]");
        w.WriteLine("    {");
        foreach (var pushed in spec.Events)
        {
            w.WriteLine($"        new({ConsumerEmitter.Literal(pushed.WireName)}, {Text(pushed.Summary)}, {pushed.Json}),");
        }

        w.WriteLine("    },");
        w.WriteLine("};");
    }

    /// <summary>Whether a successful reply (a stream's item) may carry <c>data: null</c>.</summary>
    internal static bool ResultNullable(ActionSpec action)
        => action.ResultType is null || action.ResultType.EndsWith("?", System.StringComparison.Ordinal) ||
            action.Return is ReturnKind.ResultOfValue or ReturnKind.TaskOfResultOfValue or ReturnKind.ValueTaskOfResultOfValue;

    private static string Metadata(ParameterSpec p)
        => p.Kind == ParameterKind.Json ? p.Json! : KnownTypes.GetPrimitiveJson(p.ReaderType!)!;

    private static string Text(string? value) => value is null ? "null" : ConsumerEmitter.Literal(value);

    private static string Bool(bool value) => value ? "true" : "false";
}
