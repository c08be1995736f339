namespace Consumers.Groups;

/// <summary>
/// One message for the members of a group (or for one channel): an opaque payload serialized once, string headers,
/// and the channel that must not receive it. The group layer moves it between nodes unchanged (NATS carries the
/// headers as message headers) and hands the same instance to every local member; what a member makes of it is
/// decided by the member, not by the layer.
/// </summary>
internal sealed class GroupMessage
{
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    /// <summary>
    /// The header naming the .NET type a message was serialized from (<c>Type.FullName</c>), set by the typed group
    /// sends; a member may dispatch on it (group event handlers). The layer carries it like any other header.
    /// </summary>
    public const string EventTypeHeader = "Consumers-Event";

    /// <summary>Creates a message.</summary>
    /// <param name="payload">The bytes (UTF-8 JSON for every message the runtime sends). Shared, never copied per member: do not change them afterwards.</param>
    /// <param name="excludeChannel">The channel name of a member that must not receive it (Chanx's <c>exclude_current</c>), or null.</param>
    /// <param name="headers">Name/value pairs the members read (names are ASCII tokens, as in NATS headers), or null for none.</param>
    public GroupMessage(ReadOnlyMemory<byte> payload, string? excludeChannel = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        Payload = payload;
        ExcludeChannel = excludeChannel;

        // Kept as an array: every member of a group reads the headers of every message (interface calls per member
        // otherwise), and the event type, which members dispatch on, is looked up once here.
        _headers = headers switch
        {
            null or { Count: 0 } => NoHeaders,
            KeyValuePair<string, string>[] array => array,
            _ => [.. headers],
        };
        EventType = GetHeader(EventTypeHeader);
    }

    private readonly KeyValuePair<string, string>[] _headers;

    /// <summary>
    /// A message serialized from a typed value: its payload, its type's full name in <see cref="EventTypeHeader"/>
    /// (left out for generic types, which no event handler takes) and, when it is sent inside a recorded trace, the
    /// trace context (<c>traceparent</c>, <c>tracestate</c>; see <see cref="Diagnostics.ConsumerTracing"/>).
    /// </summary>
    /// <param name="payload">The bytes (UTF-8 JSON, one object).</param>
    /// <param name="eventType">The serialized type (<c>JsonTypeInfo.Type</c>).</param>
    /// <param name="excludeChannel">The channel name of a member that must not receive it, or null.</param>
    /// <returns>The message.</returns>
    public static GroupMessage Event(ReadOnlyMemory<byte> payload, Type eventType, string? excludeChannel = null)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        KeyValuePair<string, string>[]? headers = eventType.IsGenericType || eventType.FullName is not { } name ? null : [new(EventTypeHeader, name)];
        return new(payload, excludeChannel, Diagnostics.ConsumerTracing.WithTraceContext(headers));
    }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The channel name that does not receive the message, or null.</summary>
    public string? ExcludeChannel { get; }

    /// <summary>The headers, in order; empty for a plain group message.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Whether the message has any header (a plain group message has none).</summary>
    public bool HasHeaders => _headers.Length > 0;

    /// <summary>The <see cref="EventTypeHeader"/> value (the type a typed send serialized), or null.</summary>
    public string? EventType { get; }

    /// <summary>The value of the first header with this name (ordinal, case-sensitive), or null.</summary>
    /// <param name="name">The header name.</param>
    public string? GetHeader(string name)
    {
        foreach (var header in _headers)
        {
            if (string.Equals(header.Key, name, StringComparison.Ordinal))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Where the message comes from (group, sending node, sequence), set by a layer that can replay
    /// (<see cref="IGroupReplay"/>) for members that track origins; null otherwise.
    /// </summary>
    public GroupMessageOrigin? Origin => Volatile.Read(ref _origin);

    private GroupMessageOrigin? _origin;

    /// <summary>
    /// This message with <paramref name="origin"/>: this instance when it had none yet, else a copy (same payload,
    /// exclusion and headers) that has it (an instance sent to a second group keeps the first group's origin).
    /// </summary>
    /// <param name="origin">The origin.</param>
    internal GroupMessage WithOrigin(GroupMessageOrigin origin)
    {
        if (Interlocked.CompareExchange(ref _origin, origin, null) is null)
        {
            return this;
        }

        var copy = new GroupMessage(Payload, ExcludeChannel, _headers);
        copy._origin = origin;
        return copy;
    }

    /// <summary>
    /// Completes once <see cref="LocalGroups"/> has handed this message to every member of its group on this node (at
    /// once if that has already happened). Members that gather work across the group (one query for all subscribers
    /// of a change) wait for it before they start. Created on first use: a plain fan-out never pays for it.
    /// </summary>
    public Task HandedToMembers
    {
        get
        {
            if (Volatile.Read(ref _handed) is { } handed)
            {
                return handed.Task;
            }

            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref _handed, created, null) ?? created).Task;
        }
    }

    private TaskCompletionSource? _handed;

    /// <summary>Marks the message as handed to every local member (completes <see cref="HandedToMembers"/>).</summary>
    internal void MarkHandedToMembers()
    {
        if (Volatile.Read(ref _handed) is null)
        {
            Interlocked.CompareExchange(ref _handed, s_handed, null);
        }

        _handed!.TrySetResult();
    }

    private static readonly TaskCompletionSource s_handed = CompletedSource();

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    /// <summary>
    /// Checks that a payload is one JSON object, as every message written to members' sockets as it is must be
    /// (a DCRF client reads each frame as one object).
    /// </summary>
    /// <param name="payload">UTF-8 JSON.</param>
    /// <exception cref="ArgumentException">The payload does not start with <c>{</c>.</exception>
    public static void EnsureJsonObject(ReadOnlySpan<byte> payload)
    {
        var span = payload.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty || span[0] != (byte)'{')
        {
            throw new ArgumentException("A group message must be one JSON object.", nameof(payload));
        }
    }
}
