using System.Linq;
using Consumers.Generators.Model;

namespace Consumers.Generators.Emit;

/// <summary>
/// Writes a consumer's group event dispatch, in its hooks class: which event types it handles, and a <c>switch</c> on
/// the event type's name with one typed call per <c>[GroupEvent]</c> handler (the payload deserialized with the
/// consumer's JSON context).
/// </summary>
internal static class GroupEventEmitter
{
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask";

    public static void Write(SourceWriter w, ConsumerSpec spec)
    {
        if (spec.GroupEvents.Count == 0)
        {
            return;
        }

        w.WriteLine();
        w.WriteLine("/// <summary>The group event types this consumer has a [GroupEvent] handler for.</summary>");
        w.WriteLine($"public override bool HandlesGroupEvent(string eventType) => eventType is {string.Join(" or ", spec.GroupEvents.Select(e => ConsumerEmitter.Literal(e.EventName)))};");
        w.WriteLine();
        w.WriteLine("/// <summary>Deserializes a group event and calls its handler.</summary>");
        w.OpenBlock($"public override {ValueTask} HandleGroupEventAsync({ConsumerEmitter.ConsumerType} consumer, string eventType, global::System.ReadOnlyMemory<byte> payload)");
        w.WriteLine($"var {ConsumerEmitter.Self} = ({spec.FullyQualifiedName})consumer;");
        w.OpenBlock("switch (eventType)");
        foreach (var handler in spec.GroupEvents)
        {
            // A [ConsumerEvent] type travels as an envelope (docs/protocol.md, "Server pushes"): the handler takes its data.
            var payload = handler.Envelope ? "global::Consumers.Dispatch.ConsumerEvents.DataOf(payload).Span" : "payload.Span";
            var call = $"{ConsumerEmitter.Self}.{handler.MethodName}(global::System.Text.Json.JsonSerializer.Deserialize({payload}, {handler.EventJson})!)";
            w.WriteLine($"case {ConsumerEmitter.Literal(handler.EventName)}:");
            switch (handler.Return)
            {
                case "Task":
                    w.WriteLine($"    return new {ValueTask}({call});");
                    break;
                case "void":
                    w.WriteLine($"    {call};");
                    w.WriteLine("    return default;");
                    break;
                default:
                    w.WriteLine($"    return {call};");
                    break;
            }
        }

        w.WriteLine("default:");
        w.WriteLine("    return base.HandleGroupEventAsync(consumer, eventType, payload);");
        w.CloseBlock();
        w.CloseBlock();
    }
}
