using System.Collections.Concurrent;
using System.ComponentModel;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Consumers.Clients;

/// <summary>The streaming actions of a generated client: many frames for one <c>request_id</c>, until the end frame.</summary>
public abstract partial class ConsumerClient
{
    private readonly ConcurrentDictionary<string, StreamCall> _streams = new();

    /// <summary>
    /// Sends a streaming action (one returning <c>IAsyncEnumerable&lt;T&gt;</c> or <c>ChannelReader&lt;T&gt;</c>) and
    /// yields each item envelope's <c>data</c> (status 200), read with <paramref name="item"/>, until the end envelope:
    /// 204 ends the enumeration, any other status throws <see cref="ActionReplyException"/>. Ending the enumeration
    /// early (disposing the enumerator, <c>break</c> in <c>await foreach</c>), a cancelled
    /// <paramref name="cancellationToken"/> or the reply timeout sends <c>$cancel</c>, so that the server stops the
    /// stream; its remaining frames are dropped. Frames are received as they arrive and wait in memory for the caller.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="action">The action's wire name.</param>
    /// <param name="writeParameters">Writes the request keys, or null when there are none.</param>
    /// <param name="item">The items' source-generated metadata.</param>
    /// <param name="options">The request id, and a callback for other frames that carry it.</param>
    /// <param name="cancellationToken">Stops the enumeration and the stream.</param>
    /// <returns>The items, in the order the server sent them; an item sent as <c>null</c> is <c>default</c>.</returns>
    /// <exception cref="ActionReplyException">The stream ended with a status that is not 2xx.</exception>
    /// <exception cref="WebSocketException">The connection is closed or drops before the end frame.</exception>
    /// <exception cref="TimeoutException">No frame within <see cref="ConsumerClientOptions.ReplyTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">An item does not match <typeparamref name="T"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected async IAsyncEnumerable<T> CallStreamAsync<T>(
        string action,
        Action<Utf8JsonWriter>? writeParameters,
        JsonTypeInfo<T> item,
        ClientCallOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(item);
        var (requestId, key) = NewRequestId(options);
        var call = new StreamCall(action);
        _streams[key] = call;
        if (options?.OnNotification is { } onNotification)
        {
            _subscriptions[key] = onNotification;
        }

        var sent = false;
        var ended = false;
        try
        {
            if (_receiving.IsCompleted)
            {
                throw ConnectionClosed();
            }

            await SendFrameAsync(Request(action, requestId, writeParameters), cancellationToken).ConfigureAwait(false);
            sent = true;
            while (true)
            {
                var frame = await call.ReadAsync(_options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
                var status = Status(frame);
                if (status == StatusCodes.Status200OK)
                {
                    var data = Property(frame, "data");
                    yield return data.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? default! : data.Deserialize(item)!;
                    continue;
                }

                ended = true;
                if (status is >= StatusCodes.Status200OK and < StatusCodes.Status300MultipleChoices)
                {
                    yield break;
                }

                throw new ActionReplyException(new ActionReply(status, Property(frame, "errors"), Text(frame, "action"), Property(frame, "request_id")));
            }
        }
        finally
        {
            _streams.TryRemove(new KeyValuePair<string, StreamCall>(key, call));
            _subscriptions.TryRemove(key, out _);
            if (sent && !ended)
            {
                // The caller stopped before the end frame: the server stops producing.
                await SendCancelAsync(requestId).ConfigureAwait(false);
            }
        }
    }

    // A frame of a running stream goes to it (its items and end frame carry the stream's action; a notification of a
    // subscription the action made does not).
    private bool TryDeliverToStream(string key, JsonElement frame)
    {
        if (_streams.IsEmpty || !_streams.TryGetValue(key, out var call) || call.Action != Text(frame, "action"))
        {
            return false;
        }

        call.Deliver(frame);
        return true;
    }

    // The receive loop ended: every stream still waiting for frames fails.
    private void EndStreams()
    {
        foreach (var call in _streams.Values)
        {
            call.Fail(ConnectionClosed());
        }
    }

    private static WebSocketException ConnectionClosed()
        => new(WebSocketError.ConnectionClosedPrematurely, "The connection closed before the stream ended.");

    /// <summary>The frames of one running stream, written by the receive loop and read by the stream's enumerator.</summary>
    private sealed class StreamCall(string action)
    {
        private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public string Action { get; } = action;

        public void Deliver(JsonElement frame) => _frames.Writer.TryWrite(frame);

        public void Fail(Exception exception) => _frames.Writer.TryComplete(exception);

        /// <summary>The next frame; waits at most <paramref name="timeout"/> for it.</summary>
        /// <exception cref="TimeoutException">None arrived in time.</exception>
        /// <exception cref="WebSocketException">The connection ended.</exception>
        public async ValueTask<JsonElement> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (_frames.Reader.TryRead(out var frame))
            {
                return frame;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                while (!_frames.Reader.TryRead(out frame))
                {
                    // Completed only with the connection's end, whose exception WaitToReadAsync throws.
                    if (!await _frames.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
                    {
                        throw ConnectionClosed();
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No frame of the stream \"{Action}\" arrived within {timeout}.");
            }

            return frame;
        }
    }
}
