using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>Server pushes (docs/protocol.md, "Server pushes"): envelopes of a <c>[ConsumerEvent]</c> type, by event name.</summary>
public sealed partial class ConsumerCommunicator
{
    /// <summary>
    /// Returns the data of the first unread push of the event <paramref name="eventName"/> (an envelope with that
    /// <c>action</c>, <c>request_id</c> null and a 2xx status), read with source-generated metadata under the wire's
    /// snake_case names. Other frames stay unread.
    /// </summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="eventName">The event's wire name (its <c>[ConsumerEvent]</c> name), e.g. <c>chat_line</c>.</param>
    /// <param name="typeInfo">The event type's metadata.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event's data; default for JSON null.</returns>
    /// <exception cref="ArgumentException"><paramref name="eventName"/> is empty.</exception>
    /// <exception cref="JsonException">The data does not match <typeparamref name="T"/>.</exception>
    /// <exception cref="TimeoutException">No such push arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<T?> ReceiveEventAsync<T>(string eventName, JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var envelope = await ReceiveAsync(
            e => e.Action == eventName && e.RequestId.ValueKind is JsonValueKind.Null && e.IsSuccess,
            $"push of the event \"{eventName}\"",
            timeout,
            cancellationToken).ConfigureAwait(false);
        return envelope.DataAs(typeInfo);
    }
}
