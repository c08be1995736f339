using Consumers.Generators.Model;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes a plain JSON consumer's receiver: the <c>ReceivesPlainJson</c> flag the runtime reads when it maps the
/// consumer, and the hooks' <c>ReceiveAsync</c> that reads the message with its source-generated metadata and calls
/// the <c>[Receive]</c> handler (Channels' <c>receive_json</c>, without reflection).
/// </summary>
internal static class ReceiveEmitter
{
    /// <summary>The <c>ReceivesPlainJson</c> flag, in the consumer's part.</summary>
    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.Receive is null)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine("/// <summary>Messages are plain JSON for the <c>[Receive]</c> handler: no DCRF envelope either way.</summary>");
        w.WriteLine($"static bool global::Consumers.Dispatch.IConsumerFactory<{spec.FullyQualifiedName}>.ReceivesPlainJson => true;");
        CallEmitter.WriteReceive(w, spec, spec.Receive, spec.Receive.MessageType);
    }

    /// <summary>The receiver, in the consumer's hooks class.</summary>
    public static void WriteHook(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.Receive is not { } receive)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine($"/// <summary>Reads one message and calls <c>{receive.MethodName}</c>; a message that does not bind is left to the connection to answer.</summary>");
        w.OpenBlock($"public override global::System.Threading.Tasks.ValueTask ReceiveAsync({ConsumerEmitter.ConsumerType} consumer, global::Consumers.Dispatch.MessageInvocation invocation)");
        w.OpenBlock($"if (!invocation.TryRead({receive.Json}, out var __message))");
        w.WriteLine("return default;");
        w.CloseBlock();
        w.WriteLine();
        var filtered = $"invocation.InvokeAsync(new __Receive(({spec.FullyQualifiedName})consumer, __message, invocation.Aborted), {(spec.Filters.Count > 0 ? CallEmitter.ConsumerFilters : "null")})";
        if (spec.Filters.Count > 0)
        {
            w.WriteLine($"return {filtered};");
            w.CloseBlock();
            return;
        }

        w.OpenBlock("if (invocation.HasFilters)");
        w.WriteLine($"return {filtered};");
        w.CloseBlock();
        w.WriteLine();
        var call = $"(({spec.FullyQualifiedName})consumer).{receive.MethodName}({string.Join(", ", receive.Arguments)})";
        switch (receive.Return)
        {
            case ReturnKind.Void:
                w.WriteLine(call + ";");
                w.WriteLine("return default;");
                break;
            case ReturnKind.Task:
                w.WriteLine($"return new global::System.Threading.Tasks.ValueTask({call});");
                break;
            default:
                w.WriteLine($"return {call};");
                break;
        }

        w.CloseBlock();
    }
}
