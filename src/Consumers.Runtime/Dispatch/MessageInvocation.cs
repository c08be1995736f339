using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Protocol;

namespace Consumers.Dispatch;

/// <summary>
/// One plain JSON message being handed to a consumer's <see cref="ReceiveAttribute"/> handler (Channels'
/// <c>receive_json</c>): the payload, read into the handler's message type. Called by the code the Consumers source
/// generator emits. One instance per consumer, reused for each message; it never writes frames: a message that does
/// not bind leaves its <see cref="Error"/> for the connection to answer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MessageInvocation
{
    private readonly ConsumerContext _context;
    private readonly JsonReaderOptions _readerOptions;
    private readonly IConsumerFilter[] _filters;
    private ReadOnlyMemory<byte> _payload;

    internal MessageInvocation(ConsumerContext context, JsonReaderOptions readerOptions)
    {
        _context = context;
        _readerOptions = readerOptions;
        _filters = context.Filters;
    }

    /// <summary>The name filters see in <see cref="ActionFilterContext.Action"/> for a plain message.</summary>
    public const string ActionName = "receive";

    /// <summary>Whether the connection has global filters: the generated receiver then takes <see cref="InvokeAsync"/>.</summary>
    public bool HasFilters => _filters.Length != 0;

    /// <summary>
    /// Runs the handler inside the global filters and <paramref name="filters"/> (the consumer's
    /// <see cref="ConsumerFilterAttribute"/>s). A result of 400 or more becomes the connection's <c>{"error"}</c> frame
    /// (its first message); an exception is left to the connection (logged, <c>Internal server error</c>).
    /// </summary>
    /// <param name="call">The generated call: the message as argument 0, <c>"message"</c>.</param>
    /// <param name="filters">The consumer's filters, or null.</param>
    /// <returns>A task that completes when the handler and the filters are done.</returns>
    public async ValueTask InvokeAsync(ActionCall call, FilterSource[]? filters)
    {
        ArgumentNullException.ThrowIfNull(call);
        var context = new ActionFilterContext(call, ActionName, null, Aborted, _filters, filters ?? []);
        var result = await context.NextAsync().ConfigureAwait(false);
        if (result.Status >= 400)
        {
            Error = ErrorText(result);
        }
    }

    private static string ErrorText(ActionResult result)
    {
        var errors = result.Errors ?? ActionErrors.None;
        if (errors.MessageList.Count > 0)
        {
            return errors.MessageList[0];
        }

        if (errors.FieldErrors is { Count: > 0 } fields)
        {
            var (field, messages) = fields.First();
            return messages.Length > 0 ? $"{field}: {messages[0]}" : field;
        }

        return $"Refused with status {result.Status}.";
    }

    /// <summary>Cancelled when the connection ends.</summary>
    public CancellationToken Aborted => _context.ConnectionAborted;

    /// <summary>Why the current message did not bind, or null.</summary>
    internal string? Error { get; private set; }

    internal void Reset(ReadOnlyMemory<byte> payload)
    {
        _payload = payload;
        Error = null;
    }

    /// <summary>
    /// Deserializes the whole message (one well-formed JSON object, checked before) as <typeparamref name="T"/>. When
    /// it does not fit the type (a member of the wrong JSON type, or a missing one where the context's options make it
    /// required), returns <see langword="false"/> and keeps the reason for the connection's <c>{"error"}</c> frame.
    /// </summary>
    /// <typeparam name="T">The handler's message type.</typeparam>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    /// <param name="value">The message.</param>
    /// <returns>Whether the message bound.</returns>
    public bool TryRead<T>(JsonTypeInfo<T> typeInfo, [MaybeNullWhen(false)] out T value)
    {
        var reader = new Utf8JsonReader(_payload.Span, _readerOptions);
        try
        {
            value = JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        catch (JsonException ex)
        {
            // The path, not the exception text: STJ's messages name CLR types, which are not the client's business.
            Error = ProtocolErrors.InvalidMessage(ex.Path);
            value = default;
            return false;
        }

        if (value is null)
        {
            // A converter may answer null for an object; the handler was promised a message.
            Error = ProtocolErrors.InvalidMessage(null);
            return false;
        }

        return true;
    }
}
