using System.Buffers;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Consumers.Clients;

/// <summary>
/// The base of the .NET clients the source generator writes per consumer (<c>RoomConsumerClient</c>): one
/// <see cref="WebSocket"/> (a <see cref="ClientWebSocket"/>, or the socket of <see cref="ConsumerClientOptions.ConnectSocket"/>), one receive loop, calls matched to their replies by <c>request_id</c>, and frames that
/// later carry a call's request id passed to its <see cref="ClientCallOptions.OnNotification"/>. Requests and data go
/// through the consumer's source-generated JSON metadata. Like the JavaScript client it reconnects with backoff
/// (<see cref="ConsumerClientOptions.Reconnect"/>) and resumes its session (<see cref="ConsumerClientOptions.Resume"/>,
/// the <c>consumers.resume</c> subprotocol: no frame lost across a drop); its <see cref="State"/> says which. A streaming action's items arrive through
/// <see cref="CallStreamAsync{T}"/>; a concurrent action's or a stream's caller that gives up (its token cancelled, the
/// reply timeout, an enumerator disposed early) sends <c>{"action": "$cancel", "request_id": ...}</c> so that the server
/// stops it (docs/protocol.md).
/// </summary>
public abstract partial class ConsumerClient : IAsyncDisposable
{
    // The reserved control action (docs/protocol.md).
    private const string CancelAction = "$cancel";

    private WebSocket _socket;
    private readonly ConsumerClientOptions _options;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentDictionary<string, Action<string, JsonElement>> _subscriptions = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private long _next;

    /// <summary>Starts the receive loop of a connected socket; called by the generated <c>ConnectAsync</c>.</summary>
    /// <param name="connection">The connected socket and its options, from <see cref="OpenAsync"/>.</param>
    protected ConsumerClient((WebSocket Socket, ConsumerClientOptions Options) connection)
    {
        (_socket, _options) = connection;
        _state = ConsumerClientState.Open;
        _receiving = RunAsync();
    }

    /// <summary>
    /// Connects a socket to <paramref name="uri"/> (<c>ws://</c> or <c>wss://</c>) with a <see cref="ClientWebSocket"/>,
    /// or with <see cref="ConsumerClientOptions.ConnectSocket"/> when it is set.
    /// </summary>
    /// <exception cref="WebSocketException">The handshake failed (e.g. 403 when the consumer refused the connection).</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static async Task<(WebSocket Socket, ConsumerClientOptions Options)> OpenAsync(Uri uri, ConsumerClientOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new ConsumerClientOptions();
        if (options.ConnectSocket is { } connect)
        {
            return (await connect(uri, cancellationToken).ConfigureAwait(false), options.For(uri));
        }

        return (await ConnectClientWebSocketAsync(uri, options, cancellationToken).ConfigureAwait(false), options.For(uri));
    }

    private static async Task<WebSocket> ConnectClientWebSocketAsync(Uri uri, ConsumerClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (options.Resume)
        {
            socket.Options.AddSubProtocol(ResumeSubprotocol);
        }

        options.Configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>Whether the socket is open.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Sends an action without reply data and waits for its reply.</summary>
    /// <exception cref="WebSocketException">The connection is closed or drops before the reply.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="ConsumerClientOptions.ReplyTimeout"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<ActionReply> CallAsync(string action, Action<Utf8JsonWriter>? writeParameters, ClientCallOptions? options, CancellationToken cancellationToken)
        => CallAsync(action, writeParameters, options, cancellable: false, cancellationToken);

    /// <summary>
    /// Sends a concurrent action (<c>[Action(Concurrent = true)]</c>) without reply data and waits for its reply; a
    /// cancelled <paramref name="cancellationToken"/> or the reply timeout also sends <c>$cancel</c> for it, so that
    /// the server cancels the action's token (its late 499 reply is dropped).
    /// </summary>
    /// <exception cref="WebSocketException">The connection is closed or drops before the reply.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="ConsumerClientOptions.ReplyTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<ActionReply> CallConcurrentAsync(string action, Action<Utf8JsonWriter>? writeParameters, ClientCallOptions? options, CancellationToken cancellationToken)
        => CallAsync(action, writeParameters, options, cancellable: true, cancellationToken);

    /// <summary>Sends an action and waits for its reply, whose <c>data</c> is read with <paramref name="result"/>.</summary>
    /// <exception cref="WebSocketException">The connection is closed or drops before the reply.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="ConsumerClientOptions.ReplyTimeout"/>.</exception>
    /// <exception cref="JsonException">A successful reply's data does not match <typeparamref name="T"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<ActionReply<T>> CallAsync<T>(string action, Action<Utf8JsonWriter>? writeParameters, JsonTypeInfo<T> result, ClientCallOptions? options, CancellationToken cancellationToken)
        => CallAsync(action, writeParameters, result, options, cancellable: false, cancellationToken);

    /// <summary>
    /// Sends a concurrent action (<c>[Action(Concurrent = true)]</c>) and waits for its reply, whose <c>data</c> is read
    /// with <paramref name="result"/>; a cancelled <paramref name="cancellationToken"/> or the reply timeout also sends
    /// <c>$cancel</c> for it, so that the server cancels the action's token (its late 499 reply is dropped).
    /// </summary>
    /// <exception cref="WebSocketException">The connection is closed or drops before the reply.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="ConsumerClientOptions.ReplyTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">A successful reply's data does not match <typeparamref name="T"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<ActionReply<T>> CallConcurrentAsync<T>(string action, Action<Utf8JsonWriter>? writeParameters, JsonTypeInfo<T> result, ClientCallOptions? options, CancellationToken cancellationToken)
        => CallAsync(action, writeParameters, result, options, cancellable: true, cancellationToken);

    private async Task<ActionReply> CallAsync(string action, Action<Utf8JsonWriter>? writeParameters, ClientCallOptions? options, bool cancellable, CancellationToken cancellationToken)
    {
        var frame = await ExchangeAsync(action, writeParameters, options, cancellable, cancellationToken).ConfigureAwait(false);
        return new ActionReply(Status(frame), Property(frame, "errors"), Text(frame, "action"), Property(frame, "request_id"));
    }

    private async Task<ActionReply<T>> CallAsync<T>(string action, Action<Utf8JsonWriter>? writeParameters, JsonTypeInfo<T> result, ClientCallOptions? options, bool cancellable, CancellationToken cancellationToken)
    {
        var frame = await ExchangeAsync(action, writeParameters, options, cancellable, cancellationToken).ConfigureAwait(false);
        var status = Status(frame);
        var data = Property(frame, "data");
        var value = status is >= StatusCodes.Status200OK and < StatusCodes.Status300MultipleChoices && data.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? data.Deserialize(result)
            : default;
        return new ActionReply<T>(status, Property(frame, "errors"), Text(frame, "action"), Property(frame, "request_id"), value);
    }

    /// <summary>The untyped options of a typed call: each notification's <c>data</c> is read with <paramref name="notification"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static ClientCallOptions? Typed<TNotification>(ClientCallOptions<TNotification>? options, JsonTypeInfo<TNotification> notification)
    {
        if (options is null)
        {
            return null;
        }

        var onNotification = options.OnNotification;
        return new ClientCallOptions
        {
            RequestId = options.RequestId,
            OnNotification = onNotification is null
                ? null
                : (action, data) => onNotification(action, data.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? default : data.Deserialize(notification)),
        };
    }

    /// <summary>Writes one request key with its metadata (used by the generated methods).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static void Write<T>(Utf8JsonWriter writer, string key, T value, JsonTypeInfo<T> info)
    {
        writer.WritePropertyName(key);
        JsonSerializer.Serialize(writer, value, info);
    }

    /// <summary>Writes one request key of a nullable value type: <c>null</c>, or the value with its metadata.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static void Write<T>(Utf8JsonWriter writer, string key, T? value, JsonTypeInfo<T> info)
        where T : struct
    {
        writer.WritePropertyName(key);
        if (value is { } present)
        {
            JsonSerializer.Serialize(writer, present, info);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Closes the socket (1000) and stops the receive loop; pending calls fail.</summary>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _disposing = true;
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                await _receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server is gone or slow: abort below.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _send.Dispose();
        _stop.Dispose();
    }

    private async Task<JsonElement> ExchangeAsync(string action, Action<Utf8JsonWriter>? writeParameters, ClientCallOptions? options, bool cancellable, CancellationToken cancellationToken)
    {
        var (requestId, key) = NewRequestId(options);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = reply;
        if (options?.OnNotification is { } onNotification)
        {
            _subscriptions[key] = onNotification;
        }

        var sent = false;
        try
        {
            var request = Request(action, requestId, writeParameters);
            if (options?.OnNotification is not null)
            {
                _subscribing[key] = request;
            }

            _numbers[key] = await SendFrameAsync(request, cancellationToken).ConfigureAwait(false);
            sent = true;
            var frame = await reply.Task.WaitAsync(_options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
            if (Status(frame) is < StatusCodes.Status200OK or >= StatusCodes.Status300MultipleChoices)
            {
                _subscriptions.TryRemove(key, out _);
            }

            return frame;
        }
        catch (Exception e) when (sent && cancellable && e is OperationCanceledException or TimeoutException)
        {
            // The caller gave up on a concurrent action: the server stops it too.
            _subscriptions.TryRemove(key, out _);
            await SendCancelAsync(requestId).ConfigureAwait(false);
            throw;
        }
        catch
        {
            _subscriptions.TryRemove(key, out _);
            _subscribing.TryRemove(key, out _);
            throw;
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, TaskCompletionSource<JsonElement>>(key, reply));
            _numbers.TryRemove(key, out _);
        }
    }

    // The request id of a call (the options' or a fresh one) and its key: the JSON text the server echoes.
    private (string RequestId, string Key) NewRequestId(ClientCallOptions? options)
    {
        var requestId = options?.RequestId ?? "n" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        return (requestId, JsonSerializer.Serialize(requestId, Consumers.Dispatch.PrimitiveJson.String));
    }

    // {"action", "request_id", ...keys}, wrapped as {"stream", "payload"} on a multiplexed endpoint.
    private ReadOnlyMemory<byte> Request(string action, string requestId, Action<Utf8JsonWriter>? writeParameters)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (_options.Stream is not null)
            {
                writer.WriteString("stream"u8, _options.Stream);
                writer.WritePropertyName("payload"u8);
                writer.WriteStartObject();
            }

            writer.WriteString("action"u8, action);
            writer.WriteString("request_id"u8, requestId);
            writeParameters?.Invoke(writer);
            if (_options.Stream is not null)
            {
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    // Sends a frame on the socket that runs (waiting for one while reconnecting, within MaxBufferedCalls); returns its
    // number in the session, for the re-send after a resume.
    private async Task<long> SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            await _send.WaitAsync(cancellationToken).ConfigureAwait(false);
            var socket = _socket;
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                return KeepSent(frame);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException && _options.Reconnect && !_disposing)
            {
                // The socket dropped under the send: the frame goes on the next one.
            }
            finally
            {
                _send.Release();
            }

            while (ReferenceEquals(socket, _socket) && !_disposing && _state != ConsumerClientState.Closed && _state != ConsumerClientState.Connecting)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends <c>{"action": "$cancel", "request_id": ...}</c> for a call its caller gave up on. Best effort: nothing
    /// when the connection is closed or closing, and the server's answer (none when it cancelled the call, 404 when the
    /// call had ended) is not awaited.
    /// </summary>
    private async Task SendCancelAsync(string requestId)
    {
        if (_socket.State != WebSocketState.Open)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SendFrameAsync(Request(CancelAction, requestId, null), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended meanwhile: the server cancels every running call of a closed connection.
        }
    }

    // Reads one socket until it closes (true: the server's close frame) or drops (false).
    private async Task<bool> ReceiveAsync(WebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var result = await socket.ReceiveAsync(memory, _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    Dispatch(buffer.WrittenMemory);
                    buffer.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Dropped, or the client is disposed.
            return false;
        }
    }

    // What is pending fails: the connection ended, or the session was not resumed.
    private void FailPending(string message)
    {
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, message));
        }

        EndStreams();
    }

    private void Dispatch(ReadOnlyMemory<byte> message)
    {
        JsonElement frame;
        try
        {
            using var document = JsonDocument.Parse(message);
            frame = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        if (IsSessionFrame(frame, message.Length))
        {
            return;
        }

        if (frame.ValueKind == JsonValueKind.Array)
        {
            // consumers.batch: the envelopes of one frame, in order.
            foreach (var element in frame.EnumerateArray())
            {
                if (!IsOriginFrame(element))
                {
                    Deliver(element);
                }
            }

            return;
        }

        if (!IsOriginFrame(frame))
        {
            Deliver(frame);
        }
    }

    private void Deliver(JsonElement frame)
    {
        if (_options.Stream is not null)
        {
            if (frame.ValueKind != JsonValueKind.Object || !frame.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.String ||
                stream.GetString() != _options.Stream || !frame.TryGetProperty("payload", out frame))
            {
                return;
            }
        }

        if (frame.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var key = Property(frame, "request_id") is { ValueKind: not JsonValueKind.Undefined } id ? id.GetRawText() : "null";
        if (TryDeliverToStream(key, frame))
        {
            return;
        }

        if (_pending.TryRemove(key, out var call))
        {
            Read(key);
            call.TrySetResult(frame);
            return;
        }

        if (_subscriptions.TryGetValue(key, out var onNotification))
        {
            onNotification(Text(frame, "action") ?? "", Property(frame, "data"));
            return;
        }

        // Server pushes (ConsumerClient.Events.cs): an event to its handlers, anything else to the frame handlers.
        DeliverPush(key, frame);
    }

    private static int Status(JsonElement frame)
        => Property(frame, "response_status") is { ValueKind: JsonValueKind.Number } status && status.TryGetInt32(out var value) ? value : 0;

    private static string? Text(JsonElement frame, string name)
        => Property(frame, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static JsonElement Property(JsonElement frame, string name)
        => frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(name, out var value) ? value : default;
}
