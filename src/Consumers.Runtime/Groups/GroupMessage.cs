namespace Consumers.Groups;

/// <summary>
/// A message for the members of a group (or for one channel): one JSON object, serialized once, whose bytes every
/// member's connection sends as they are (wrapped in <c>{"stream", "payload"}</c> on multiplexed connections).
/// </summary>
public sealed class GroupMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="payload">UTF-8 JSON of one object. The bytes are shared, never copied per member: do not change them afterwards.</param>
    /// <param name="excludeChannel">The channel name of a consumer that must not receive it (Chanx's <c>exclude_current</c>), or null.</param>
    /// <exception cref="ArgumentException">The payload is not a JSON object (it must start with <c>{</c>).</exception>
    public GroupMessage(ReadOnlyMemory<byte> payload, string? excludeChannel = null)
    {
        var span = payload.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty || span[0] != (byte)'{')
        {
            throw new ArgumentException("A group message must be one JSON object.", nameof(payload));
        }

        Payload = payload;
        ExcludeChannel = excludeChannel;
    }

    /// <summary>
    /// Creates a model observer notification: the serialized instance, pushed to each subscriber once per
    /// subscribing <c>request_id</c> in DCRF's envelope with <paramref name="action"/>.
    /// </summary>
    /// <param name="data">UTF-8 JSON of the serialized instance (any JSON value).</param>
    /// <param name="action">What happened to the instance.</param>
    /// <param name="status">The notification's <c>response_status</c>: 200, or 204 for an instance deletion (DCRF).</param>
    public GroupMessage(ReadOnlyMemory<byte> data, ModelAction action, int status = 200)
    {
        Payload = data;
        Action = action;
        Status = status;
    }

    /// <summary>For observer notifications, the <c>response_status</c> each subscriber's frame carries.</summary>
    public int Status { get; } = 200;

    /// <summary>For observer notifications, what happened to the instance; null for plain group messages.</summary>
    public ModelAction? Action { get; }

    /// <summary>The UTF-8 JSON object (or, for a notification, the serialized instance).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The channel name that does not receive the message, or null.</summary>
    public string? ExcludeChannel { get; }
}
