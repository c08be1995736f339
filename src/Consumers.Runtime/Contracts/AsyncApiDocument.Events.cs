using System.Text.Json.Nodes;

namespace Consumers.Contracts;

/// <summary>Server pushes in the document: one <c>send</c> operation per event a consumer declares with <c>[Pushes]</c>.</summary>
internal sealed partial class AsyncApiDocument
{
    private void AddEvents(string id, string? stream, ConsumerContract contract, JsonObject messages)
    {
        foreach (var pushed in contract.Events)
        {
            var key = Unique(messages, Key(pushed.Name) + ".event");
            var description = (pushed.Description is null ? "" : pushed.Description + " ") +
                "A server push: sent to the client outside of any reply (to a group it is in, to its user, or to it alone), with request_id null.";
            messages[key] = Message($"{pushed.Name} event", description, Wrap(stream, EventPayload(pushed)), stream);
            _operations[Unique(_operations, $"{id}.{Key(pushed.Name)}.event")] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{id}"),
                ["title"] = pushed.Name,
                ["description"] = description,
                ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/{key}")),
            };
        }
    }

    // The envelope of docs/protocol.md, "Server pushes": the event's name as action, status 200, request_id null.
    private JsonObject EventPayload(EventContract pushed)
    {
        var payload = Envelope(new JsonObject { ["const"] = pushed.Name }, Schema(pushed.Data), new JsonObject { ["const"] = 200 });
        payload["properties"]!["request_id"] = new JsonObject { ["type"] = "null", ["description"] = "Always null: a push answers no request." };
        return payload;
    }
}
