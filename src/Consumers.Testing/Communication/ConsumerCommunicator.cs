using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>
/// A test's connection to a consumer endpoint, after Django Channels' <c>WebsocketCommunicator</c>: send JSON frames,
/// receive the server's frames as <see cref="ConsumerEnvelope"/>s in order, wait for a notification of a request id,
/// assert that nothing arrives, close with a code and see the server's close code.
/// </summary>
/// <remarks>
/// One receive loop reads every frame as it arrives into an inbox, so a receive that times out loses nothing and
/// leaves the socket open. A receive takes the first unread frame it matches: <see cref="ReceiveNotificationAsync{T}(string, JsonTypeInfo{T}, TimeSpan?, CancellationToken)"/>
/// and <see cref="RequestAsync"/> leave other frames unread for later receives. Every receive waits at most
/// <see cref="ReceiveTimeout"/> (5 s by default) and then throws <see cref="TimeoutException"/> whose message lists
/// the frames that did arrive. Opened by the kit's <c>ConnectAsync</c> extensions on a <c>WebApplicationFactory</c>,
/// a <c>TestServer</c> or an <c>IHost</c>; no port is used.
/// </remarks>
public sealed partial class ConsumerCommunicator : IAsyncDisposable
{
    /// <summary>The default of <see cref="ReceiveTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultReceiveTimeout = TimeSpan.FromSeconds(5);

    private const int ShownFrames = 20;

    private WebSocket _socket;
    private readonly object _gate = new();
    private readonly List<ConsumerEnvelope> _unread = [];
    private readonly List<ConsumerEnvelope> _received = [];
    private readonly SemaphoreSlim _send = new(1, 1);
    private TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving;
    private int _frames;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    internal ConsumerCommunicator(WebSocket socket, string path, TimeSpan receiveTimeout)
    {
        _socket = socket;
        Path = path;
        ReceiveTimeout = receiveTimeout;
        _receiving = ReceiveLoopAsync();
    }

    /// <summary>The path (with query) this communicator connected to.</summary>
    public string Path { get; }

    /// <summary>The underlying socket (to send a binary or fragmented frame by hand).</summary>
    public WebSocket Socket => _socket;

    /// <summary>The subprotocol the server accepted (<see cref="ConsumerConnectOptions.BatchSubprotocol"/> or null).</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>How long a receive waits when it is given no timeout. Default 5 seconds.</summary>
    public TimeSpan ReceiveTimeout { get; set; }

    /// <summary>Every frame received so far, read or not, in arrival order.</summary>
    public IReadOnlyList<ConsumerEnvelope> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>WebSocket messages received (a batch frame counts once, however many envelopes it holds).</summary>
    internal int FrameCount => Volatile.Read(ref _frames);

    /// <summary>Whether the connection has closed (a close frame either way, or a dropped connection).</summary>
    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>The close code of the server's close frame (the echo of ours after <see cref="CloseAsync"/>); null while open or when the connection dropped.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>The reason text of the server's close frame.</summary>
    public string? CloseStatusDescription { get; private set; }

    /// <summary>Returns the next unread frame.</summary>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The frame.</returns>
    /// <exception cref="TimeoutException">No frame arrived in time; the message lists the frames received before.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first; it carries the close code.</exception>
    public Task<ConsumerEnvelope> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => ReceiveAsync(static _ => true, "frame", timeout, cancellationToken);

    /// <summary>Returns the first unread frame that <paramref name="match"/> accepts; the others stay unread.</summary>
    /// <param name="match">The condition.</param>
    /// <param name="description">What is awaited, for the timeout message (e.g. "a reply with request_id 7").</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The frame.</returns>
    /// <exception cref="TimeoutException">No matching frame arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<ConsumerEnvelope> ReceiveAsync(Func<ConsumerEnvelope, bool> match, string description, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var limit = timeout ?? ReceiveTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var index = _unread.FindIndex(e => match(e));
                if (index >= 0)
                {
                    var envelope = _unread[index];
                    _unread.RemoveAt(index);
                    return envelope;
                }

                if (_closed.Task.IsCompleted)
                {
                    throw new ConsumerClosedException(
                        $"The connection to {Path} closed ({DescribeClose()}) before a {description} arrived.{DescribeFrames()}",
                        CloseStatus,
                        CloseStatusDescription);
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_gate)
                {
                    throw new TimeoutException($"No {description} arrived on {Path} within {Seconds(limit)}.{DescribeFrames()}");
                }
            }
        }
    }

    /// <summary>
    /// Returns the next unread frame's <c>data</c>, read with source-generated metadata under the wire's snake_case names
    /// whatever the context's naming policy (<see cref="ConsumerEnvelope.DataAs{T}(JsonTypeInfo{T})"/>).
    /// </summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="typeInfo">Its metadata.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The data; default for JSON null (a 204).</returns>
    /// <exception cref="ConsumerAssertionException">The frame is an error (<c>response_status</c> 400 or more); the message has its errors.</exception>
    /// <exception cref="JsonException">The data does not match <typeparamref name="T"/> (a required member missing: the message names it).</exception>
    /// <exception cref="TimeoutException">No frame arrived in time.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<T?> ReceiveAsync<T>(JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Successful(await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false)).DataAs(typeInfo);
    }

    /// <summary>Returns the next unread frame's <c>data</c>, read with reflection (<see cref="ConsumerConnectOptions.DefaultJsonOptions"/>).</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The data; default for JSON null (a 204).</returns>
    /// <exception cref="ConsumerAssertionException">The frame is an error (<c>response_status</c> 400 or more); the message has its errors.</exception>
    /// <exception cref="TimeoutException">No frame arrived in time.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON: use the JsonTypeInfo overload under trimming.")]
    [RequiresDynamicCode("Reflection-based JSON: use the JsonTypeInfo overload under Native AOT.")]
    public async Task<T?> ReceiveAsync<T>(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => Successful(await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false)).DataAs<T>();

    /// <summary>
    /// Sends <paramref name="json"/> and returns its reply: the first unread frame with the same <c>request_id</c>
    /// (the next frame when the request has none). Other frames stay unread.
    /// </summary>
    /// <param name="json">The request's text, a JSON object (a multiplexed <c>{"stream", "payload"}</c> one too).</param>
    /// <param name="timeout">How long to wait for the reply; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the send and the wait.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="TimeoutException">No reply arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<ConsumerEnvelope> RequestAsync(string json, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement requestId = default;
        try
        {
            using var document = JsonDocument.Parse(json);
            var id = new ConsumerEnvelope(document.RootElement, json).RequestId;
            requestId = id.ValueKind == JsonValueKind.Undefined ? default : id.Clone();
        }
        catch (JsonException)
        {
            // Not JSON: the next frame (an error envelope) is the reply.
        }

        await SendAsync(json, cancellationToken).ConfigureAwait(false);
        return requestId.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? await ReceiveAsync(timeout, cancellationToken).ConfigureAwait(false)
            : await ReceiveAsync(e => SameJson(e.RequestId, requestId), $"reply with request_id {requestId.GetRawText()}", timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the connection from the client side with <paramref name="closeStatus"/> and waits for the server's
    /// close frame (then <see cref="CloseStatus"/> holds its code). Frames not yet received stay readable.
    /// </summary>
    /// <param name="closeStatus">The close code to send. Default 1000.</param>
    /// <param name="reason">The reason text.</param>
    /// <param name="timeout">How long to wait for the server's close frame; null for <see cref="ReceiveTimeout"/>.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    /// <exception cref="TimeoutException">The server did not answer the close in time.</exception>
    public async Task CloseAsync(WebSocketCloseStatus closeStatus = WebSocketCloseStatus.NormalClosure, string? reason = null, TimeSpan? timeout = null)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _send.WaitAsync().ConfigureAwait(false);
            try
            {
                await _socket.CloseOutputAsync(closeStatus, reason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Already gone: the receive loop records it.
            }
            finally
            {
                _send.Release();
            }
        }

        await WaitForCloseAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Waits until the server closes the connection and returns its close code.</summary>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <returns>The close code of the server's close frame; null when the connection dropped without one.</returns>
    /// <exception cref="TimeoutException">The connection is still open after <paramref name="timeout"/>; the message lists the frames that arrived.</exception>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? ReceiveTimeout;
        try
        {
            await _closed.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                throw new TimeoutException($"The server did not close {Path} within {Seconds(limit)}.{DescribeFrames()}");
            }
        }

        return CloseStatus;
    }

    /// <summary>Closes the connection (1000) if it is open, waits briefly for the server's answer, and releases the socket.</summary>
    /// <returns>A task that completes when the socket is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await CloseAsync(timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The server is slow or gone: abort below.
        }

        _socket.Abort();
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
        _send.Dispose();
    }

    private static bool SameJson(JsonElement a, JsonElement b)
        => a.ValueKind == b.ValueKind && (a.ValueKind == JsonValueKind.String ? a.GetString() == b.GetString() : a.GetRawText() == b.GetRawText());

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static ConsumerEnvelope Successful(ConsumerEnvelope envelope)
        => envelope.ResponseStatus is >= 400
            ? throw new ConsumerAssertionException($"Expected data, but the frame is an error {envelope.ResponseStatus} ({string.Join("; ", envelope.ErrorMessages)}): {envelope.RawJson}")
            : envelope;

    private async Task ReceiveLoopAsync()
    {
        // The socket of this loop: a resume starts another loop on another socket.
        var socket = _socket;
        var closed = _closed;
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = socket.CloseStatus;
                    CloseStatusDescription = socket.CloseStatusDescription;
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        // The server closed first: complete the closing handshake as a browser would.
                        await _send.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            await socket.CloseOutputAsync(CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            _send.Release();
                        }
                    }

                    break;
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    Interlocked.Increment(ref _frames);
                    Accept(buffer.WrittenSpan, result.MessageType);
                    buffer.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Dropped or aborted: the connection is closed without a close frame.
        }
        finally
        {
            lock (_gate)
            {
                closed.TrySetResult();
                _arrived.TrySetResult();
            }
        }
    }

    private void Accept(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        var text = type == WebSocketMessageType.Text ? Encoding.UTF8.GetString(message) : Convert.ToBase64String(message);
        var envelopes = new List<ConsumerEnvelope>(1);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement.Clone();
            if (IsResumeFrame(root))
            {
                return;
            }

            if (root.ValueKind == JsonValueKind.Array && SubProtocol is ConsumerConnectOptions.BatchSubprotocol or ConsumerConnectOptions.ResumeSubprotocol)
            {
                envelopes.AddRange(root.EnumerateArray().Select(element => new ConsumerEnvelope(element, element.GetRawText())));
            }
            else
            {
                envelopes.Add(new ConsumerEnvelope(root, text));
            }
        }
        catch (JsonException)
        {
            envelopes.Add(new ConsumerEnvelope(default, text));
        }

        Counted(envelopes.Count, message.Length);
        if (SubProtocol == ConsumerConnectOptions.ResumeSubprotocol)
        {
            // $origin frames (recovery on another node) are counted, kept in the position vector, never handed out.
            envelopes.RemoveAll(envelope => _positions.TakeOrigin(envelope.Json));
        }

        lock (_gate)
        {
            _unread.AddRange(envelopes);
            _received.AddRange(envelopes);
            var arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived.TrySetResult();
        }
    }

    private string DescribeClose()
        => CloseStatus is { } status
            ? $"{(int)status} {status}{(string.IsNullOrEmpty(CloseStatusDescription) ? "" : ": " + CloseStatusDescription)}"
            : "dropped without a close frame";

    // Called under _gate.
    private string DescribeFrames()
    {
        var text = new StringBuilder();
        if (_unread.Count > 0)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"Unread frames that did not match ({_unread.Count}):");
            foreach (var envelope in _unread.TakeLast(ShownFrames))
            {
                text.AppendLine().Append("  ").Append(envelope.RawJson);
            }
        }

        var read = _received.Except(_unread).ToList();
        if (read.Count > 0)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"Frames received and read before ({read.Count}{(read.Count > ShownFrames ? $", the last {ShownFrames}" : "")}):");
            foreach (var envelope in read.TakeLast(ShownFrames))
            {
                text.AppendLine().Append("  ").Append(envelope.RawJson);
            }
        }

        if (_received.Count == 0)
        {
            text.Append(" No frame at all arrived on this connection.");
        }

        return text.ToString();
    }
}
