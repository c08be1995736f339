using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>Streaming actions and <c>$cancel</c> (docs/protocol.md): many frames for one request id, until the end frame.</summary>
public sealed partial class ConsumerCommunicator
{
    private const string CancelAction = "$cancel";

    /// <summary>
    /// Reads the stream of the request sent with the string <c>request_id</c> <paramref name="requestId"/>: yields each
    /// item envelope's <c>data</c> (status 200), read with source-generated metadata, and ends at the 204 end envelope.
    /// Frames of other request ids, <c>$cancel</c> answers, and frames of another action than the stream's first one
    /// (notifications of a subscription the action made) stay unread.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="requestId">The streaming request's id.</param>
    /// <param name="typeInfo">The items' metadata.</param>
    /// <param name="timeout">How long to wait for each frame; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The items in order; default for an item sent as JSON null.</returns>
    /// <exception cref="ConsumerAssertionException">The stream ended with an error status (400 or more: refused, 429 past the stream cap, 500 mid-stream); the message has the status and errors.</exception>
    /// <exception cref="TimeoutException">No frame of the stream arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed before the end frame.</exception>
    public IAsyncEnumerable<T?> ReceiveStreamAsync<T>(string requestId, JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return ReadStreamAsync(e => e.HasRequestId(requestId), $"\"{requestId}\"", typeInfo, timeout, cancellationToken);
    }

    /// <summary>As <see cref="ReceiveStreamAsync{T}(string, JsonTypeInfo{T}, TimeSpan?, CancellationToken)"/> for a numeric <c>request_id</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="requestId">The streaming request's id.</param>
    /// <param name="typeInfo">The items' metadata.</param>
    /// <param name="timeout">How long to wait for each frame; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The items in order; default for an item sent as JSON null.</returns>
    /// <exception cref="ConsumerAssertionException">The stream ended with an error status; the message has the status and errors.</exception>
    /// <exception cref="TimeoutException">No frame of the stream arrived in time.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed before the end frame.</exception>
    public IAsyncEnumerable<T?> ReceiveStreamAsync<T>(long requestId, JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return ReadStreamAsync(e => e.HasRequestId(requestId), requestId.ToString(CultureInfo.InvariantCulture), typeInfo, timeout, cancellationToken);
    }

    /// <summary>
    /// Sends <c>{"action": "$cancel", "request_id": "<paramref name="requestId"/>"}</c>: the running concurrent action
    /// answers 499, a running stream ends with its 204 end frame, and a <c>request_id</c> of nothing running (an
    /// ordered action, a finished call) is answered by a 404 <c>$cancel</c> envelope. The cancel itself has no reply
    /// when it cancelled something.
    /// </summary>
    /// <param name="requestId">The request id of the call to cancel.</param>
    /// <param name="stream">The stream name on a multiplexed endpoint (the frame is then wrapped in <c>{"stream", "payload"}</c>); null on a plain endpoint.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The connection is closed.</exception>
    public Task CancelAsync(string requestId, string? stream = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return SendBytesAsync(CancelFrame(w => w.WriteString("request_id"u8, requestId), stream), cancellationToken);
    }

    /// <summary>As <see cref="CancelAsync(string, string?, CancellationToken)"/> for a numeric <c>request_id</c>.</summary>
    /// <param name="requestId">The request id of the call to cancel.</param>
    /// <param name="stream">The stream name on a multiplexed endpoint; null on a plain endpoint.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    /// <exception cref="System.Net.WebSockets.WebSocketException">The connection is closed.</exception>
    public Task CancelAsync(long requestId, string? stream = null, CancellationToken cancellationToken = default)
        => SendBytesAsync(CancelFrame(w => w.WriteNumber("request_id"u8, requestId), stream), cancellationToken);

    private static byte[] CancelFrame(Action<Utf8JsonWriter> writeRequestId, string? stream)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (stream is not null)
            {
                writer.WriteString("stream"u8, stream);
                writer.WriteStartObject("payload"u8);
            }

            writer.WriteString("action"u8, CancelAction);
            writeRequestId(writer);
            if (stream is not null)
            {
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async IAsyncEnumerable<T?> ReadStreamAsync<T>(
        Func<ConsumerEnvelope, bool> hasRequestId,
        string requestIdText,
        JsonTypeInfo<T> typeInfo,
        TimeSpan? timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? action = null;
        var count = 0;
        while (true)
        {
            var description = $"frame of the stream with request_id {requestIdText} (after {count} item(s))";
            var envelope = await ReceiveAsync(
                e => hasRequestId(e) && e.Action != CancelAction && (action is null || e.Action == action),
                description,
                timeout,
                cancellationToken).ConfigureAwait(false);
            action ??= envelope.Action;
            switch (envelope.ResponseStatus)
            {
                case 200:
                    count++;
                    yield return envelope.DataAs(typeInfo);
                    break;
                case 204:
                    yield break;
                default:
                    throw new ConsumerAssertionException(
                        $"The stream with request_id {requestIdText} ended with {envelope.ResponseStatus?.ToString(CultureInfo.InvariantCulture) ?? "no response_status"} " +
                        $"({string.Join("; ", envelope.ErrorMessages)}) after {count} item(s): {envelope.RawJson}");
            }
        }
    }
}
