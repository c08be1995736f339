using System.Text.Json;

namespace Consumers;

/// <summary>
/// The request an action is handling: its wire name and its <c>request_id</c>. Declare a parameter of this type
/// on an action to receive it.
/// </summary>
public sealed class RequestContext
{
    internal RequestContext(string action, JsonElement? requestId, ConsumerContext consumer, Dispatch.DetachedCall? call = null)
    {
        Action = action;
        RequestId = requestId;
        Consumer = consumer;
        Call = call;
    }

    // The concurrent action or stream handling the request, or null for an ordered action: the observer subscriptions it
    // makes wait for its own reply rather than for the ordered action's.
    internal Dispatch.DetachedCall? Call { get; }

    /// <summary>The action name as the client sent it.</summary>
    public string Action { get; }

    /// <summary>
    /// The request's <c>request_id</c>, any JSON value (string, number, object...), or <see langword="null"/> when the
    /// request had none. Replies echo it unchanged, with its JSON type (DCRF).
    /// </summary>
    public JsonElement? RequestId { get; }

    /// <summary>The connection's context.</summary>
    public ConsumerContext Consumer { get; }
}
