using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Contracts;

/// <summary>
/// An event a consumer pushes (<c>[Pushes(typeof(T))]</c> of a <c>[ConsumerEvent]</c> type): sent to clients as
/// <c>{"errors": [], "data": ..., "action": "&lt;name&gt;", "response_status": 200, "request_id": null}</c>
/// (docs/protocol.md, "Server pushes").
/// </summary>
/// <param name="Name">The event's wire name (the envelope's <c>action</c>), e.g. <c>chat_line</c>.</param>
/// <param name="Description">The event type's XML doc summary, or null.</param>
/// <param name="Data">The metadata of the event's <c>data</c>.</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record EventContract(string Name, string? Description, JsonTypeInfo Data);
