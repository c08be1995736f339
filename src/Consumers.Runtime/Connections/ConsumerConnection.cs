using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Protocol;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// One accepted WebSocket: a reader loop that reassembles messages and hands them to the consumers in order,
/// and a writer loop fed by a bounded queue, so that no sender ever waits for this client's socket.
/// </summary>
/// <remarks>
/// Shutdown order (as SignalR's <c>HubConnectionHandler</c>): the close frame is sent after the queued frames,
/// the socket is aborted if the peer does not answer within <see cref="ConsumerOptions.CloseTimeout"/>, and only
/// then are the consumers' disconnect hooks run, exactly once.
/// </remarks>
internal sealed class ConsumerConnection : IHeldWrites
{
    private const int InitialReceiveBufferSize = 4096;

    // Messages read ahead while an action runs; past it (or past MaxMessageSize bytes) the reader waits.
    private const int InboundQueueCapacity = 32;

    // Messages handled in one delivery turn at most, bounding how long a frame can be held.
    private const int MaxMessagesPerTurn = 16;

    private static long s_nextId;

    // Frames per socket write at most, when the send queue holds more: bounds the delay of the first of them.
    private const int MaxFramesPerWrite = 64;

    // Bytes of one batched write at most (frames, or the batch subprotocol's JSON array of envelopes).
    private const int MaxWriteBytes = 32 * 1024;

    private readonly Channel<OutboundFrame> _queue;

    // Frames in the queue, kept beside it: the writer asks "is another one waiting?" for every frame, and the
    // channel answers that only under its lock, which the group senders contend for.
    private int _queued;

    // Messages read but not yet handled, handled one at a time (see _dispatching). The reader runs an action only up to
    // its first wait, never waits for one, so it sees a dropped socket (and cancels the running action) while the
    // action waits.
    // Bounded by the reader itself (at most InboundQueueCapacity messages and MaxMessageSize bytes read ahead) and by
    // TryQueueWork (at most SendQueueCapacity pieces of work), not by the channel.
    private readonly Channel<InboundMessage> _inbound = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
    });
    private readonly SemaphoreSlim _inboundDrained = new(0, 1);

    // 1 while a thread runs the connection's messages, or a message it started is still running (its continuation runs
    // the rest); 0 when none is. Whoever queues a message takes it when it is 0: the reader runs messages on its own
    // thread (no thread-pool hop between reading a message and its action), queued work starts a thread-pool item.
    private int _dispatching;
    private volatile bool _inboundClosed;
    private readonly TaskCompletionSource _dispatchIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConsumerSet? _consumers;
    private int _inboundMessages;
    private int _inboundBytes;
    private volatile bool _readerWaiting;
    private int _pendingWork;

    // Bytes of the frames in the send queue (shared group payloads counted in full, once per connection).
    private int _queuedBytes;
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _sendAborted = new();
    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly Security.TokenBucket? _rateLimit;
    private readonly CancellationTokenSource? _idle;

    // Started by the first part of a message, stopped by its last: a message left unfinished holds its buffer.
    private CancellationTokenSource? _messageDeadline;
    private bool _messageStarted;
    private int _closeRequested;
    private volatile bool _dropQueued;

    // Frames accepted by TrySend and not yet written (or dropped). A frame may be written by its sender directly only
    // when this is zero, checked under the stream's write lock, so a frame never overtakes one sent before it.
    private int _unwritten;

    // The upgraded stream once the socket runs, for direct writes; null before, and where there is none (HTTP/2).
    private FrameBatchingStream? _direct;

    // Frames held by delivery turns (DeliveryTurn), written before anything queued or written after them.
    // (For a client of the batch subprotocol, as one JSON array frame: replaced when the socket runs.)
    private PendingFrames _pending = new(asArray: false);
    private WebSocket? _socket;

    // Frames (and their bytes) the writer took off the queue and has not written yet (the writer's own counts).
    private int _taken;
    private int _takenBytes;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string? _closeDescription;

    public ConsumerConnection(ConsumerOptions options, ILogger logger, string nodeId)
    {
        _options = options;
        _logger = logger;
        Aborted = _aborted.Token;
        Id = nodeId + "." + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (options.RateLimitPerSecond > 0)
        {
            _rateLimit = new Security.TokenBucket(options.RateLimitPerSecond, options.RateLimitBurst, options.RateLimitAbuseThreshold);
        }

        if (options.IdleTimeout > TimeSpan.Zero)
        {
            _idle = new CancellationTokenSource();
        }
        _queue = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Id { get; }

    public CancellationToken Aborted { get; }

    public ILogger Logger => _logger;

    public ConsumerOptions Options => _options;

    /// <summary>The request's upgrade when it can batch frames (HTTP/1.1 behind <c>AddConsumers()</c>), or null.</summary>
    public FrameBatchingUpgradeFeature? Upgrade { get; set; }

    /// <summary>
    /// Whether the client accepted <see cref="BatchSubprotocol"/>: queued envelopes may then leave as one text frame
    /// holding a JSON array of them. Set before <see cref="RunAsync"/>.
    /// </summary>
    public bool BatchEnvelopes { get; set; }

    /// <summary>
    /// The WebSocket subprotocol with which a client accepts several envelopes per frame (a JSON array). Clients that
    /// do not offer it (DCRF front ends, a browser's plain <c>new WebSocket(url)</c>) get exactly one object per frame.
    /// </summary>
    public const string BatchSubprotocol = "consumers.batch";

    /// <summary>
    /// Sends a frame without ever blocking: when nothing else is waiting to be written and no write is in progress,
    /// the caller writes it to the transport itself (as SignalR's <c>HubConnectionContext</c> does: no thread-pool hop
    /// to the writer); otherwise it is queued for the writer. When the queue is full the client is not reading: the
    /// frame is dropped and the connection is closed with 1008.
    /// </summary>
    /// <returns><see langword="false"/> when the frame was dropped.</returns>
    public bool TrySend(OutboundFrame frame)
    {
        if (_direct is { } stream && Volatile.Read(ref _unwritten) == 0)
        {
            // In a delivery turn the frame waits for the turn's end, to leave with the others sent to this client.
            if (DeliveryTurn.IsOpen && TryHold(frame))
            {
                return true;
            }

            if (TryWriteNow(stream, frame))
            {
                return true;
            }
        }

        return Enqueue(frame);
    }

    // The writer's queue: bounded in frames and bytes; past either bound the client is not reading and is closed.
    private bool Enqueue(OutboundFrame frame)
    {
        // A frame larger than the byte bound still goes when nothing else waits: the bound is on what piles up.
        var length = frame.Memory.Length;
        var queuedBytes = Volatile.Read(ref _queuedBytes);
        if (queuedBytes == 0 || queuedBytes + length <= _options.SendQueueMaxBytes)
        {
            Interlocked.Increment(ref _unwritten);
            if (_queue.Writer.TryWrite(frame))
            {
                Interlocked.Increment(ref _queued);
                Interlocked.Add(ref _queuedBytes, length);
                return true;
            }

            Interlocked.Decrement(ref _unwritten);
        }

        frame.Release();
        if (Volatile.Read(ref _closeRequested) == 0)
        {
            ConsumerMetrics.SendQueueFull.Add(1);
            ConnectionLog.SendQueueFull(_logger, _options.SendQueueCapacity, _options.SendQueueMaxBytes);
            _dropQueued = true;
            RequestClose(WebSocketCloseStatus.PolicyViolation, "Send queue full");
        }

        return false;
    }

    /// <summary>
    /// Starts closing from the server side: frames already queued are sent (unless the client stopped reading),
    /// then the close frame. If the client does not complete the close handshake within the close timeout, the
    /// socket is aborted. Only the first call counts.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string? description)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        _closeStatus = status;
        _closeDescription = description;
        _queue.Writer.TryComplete();
        _sendAborted.CancelAfter(_options.CloseTimeout);
        if (!_aborted.IsCancellationRequested)
        {
            _aborted.CancelAfter(_options.CloseTimeout);
        }
    }

    /// <summary>Runs the connection until the socket is closed or dropped, then runs the disconnect hooks.</summary>
    public async Task RunAsync(WebSocket socket, ConsumerSet consumers, CancellationToken stopping)
    {
        ConsumerMetrics.ConnectionsOpened.Add(1);
        WebSocketCloseStatus? clientStatus = null;
        _socket = socket;
        // A client that offered the batch subprotocol gets what a delivery turn holds for it as one array frame.
        if (BatchEnvelopes)
        {
            _pending = new PendingFrames(asArray: true);
        }

        _direct = Upgrade?.Stream;
        using var idle = _idle?.Token.Register(static state => ((ConsumerConnection)state!).CloseIdle(), this);
        _idle?.CancelAfter(_options.IdleTimeout);
        using (stopping.Register(static state => ((ConsumerConnection)state!).RequestClose(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"), this))
        {
            _consumers = consumers;
            var writer = WriteLoopAsync(socket);
            try
            {
                clientStatus = await ReadLoopAsync(socket, consumers).ConfigureAwait(false);
            }
            finally
            {
                // The client is gone or closing: running actions are cancelled, queued messages are dropped.
                _inbound.Writer.TryComplete();
                _aborted.Cancel();
                await StopDispatchAsync().ConfigureAwait(false);

                // Echo the client's close (or finish ours) once the send queue is drained.
                RequestClose(clientStatus ?? WebSocketCloseStatus.NormalClosure, null);
                await writer.ConfigureAwait(false);
                if (socket.State != WebSocketState.Closed)
                {
                    socket.Abort();
                }

                socket.Dispose();
                _idle?.Dispose();
                _messageDeadline?.Dispose();
                DrainQueue();
                ConnectionLog.ConnectionClosed(_logger, clientStatus);
                ConsumerMetrics.ConnectionsClosed.Add(1);
                await consumers.DisconnectAsync(clientStatus).ConfigureAwait(false);
            }
        }
    }

    private async Task<WebSocketCloseStatus?> ReadLoopAsync(WebSocket socket, ConsumerSet consumers)
    {
        var limit = _options.MaxMessageSize;
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferSize);
        var count = 0;
        var discarding = false;

        // The reader's delivery turn (DeliveryTurn): open while messages arrive without waiting, so that a run of
        // them read from one transport read sends one write per client; ended before the reader waits.
        var turnOpen = false;
        var turnMessages = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    buffer = Grow(buffer, count, limit);
                }

                // Read at most one byte past the limit: that byte proves the message is too big.
                var window = Math.Min(buffer.Length, limit + 1) - count;
                var receive = socket.ReceiveAsync(buffer.AsMemory(count, window), _aborted.Token);
                if (turnOpen && !receive.IsCompleted)
                {
                    turnOpen = false;
                    turnMessages = 0;
                    DeliveryTurn.End();
                }

                var result = await receive.ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return socket.CloseStatus;
                }

                count += result.Count;

                // Any frame counts as activity: a large message arriving slowly is not idle.
                _idle?.CancelAfter(_options.IdleTimeout);
                if (discarding || Volatile.Read(ref _closeRequested) != 0)
                {
                    count = 0;
                    continue;
                }

                if (count > limit)
                {
                    ConnectionLog.MessageTooBig(_logger, limit);
                    consumers.ReplyToBadFrame(400, ProtocolErrors.MessageTooBig(limit));
                    RequestClose(WebSocketCloseStatus.MessageTooBig, "Message too big");
                    discarding = true;
                    count = 0;
                    continue;
                }

                if (!result.EndOfMessage)
                {
                    StartMessageDeadline();
                    continue;
                }

                StopMessageDeadline();

                ConsumerMetrics.MessagesReceived.Add(1);

                // Counted on arrival, before any parsing: every message costs a token, bad ones too.
                var throttled = false;
                if (_rateLimit is not null && !_rateLimit.TryTake(out var abusive))
                {
                    ConsumerMetrics.MessagesThrottled.Add(1);
                    if (abusive)
                    {
                        Security.SecurityLog.RateLimitAbuse(_logger, _options.RateLimitAbuseThreshold);
                        RequestClose(WebSocketCloseStatus.PolicyViolation, "Rate limit exceeded");
                        count = 0;
                        continue;
                    }

                    Security.SecurityLog.MessageThrottled(_logger, _options.RateLimitPerSecond, _options.RateLimitBurst);
                    throttled = true;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    consumers.ReplyToBadFrame(throttled ? 429 : 400, throttled ? ProtocolErrors.Throttled : ProtocolErrors.BinaryFrame);
                    count = 0;
                    continue;
                }

                // The dispatcher takes the buffer (and returns it to the pool); the next message gets a fresh one.
                var message = new InboundMessage(buffer, count, throttled);
                buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferSize);
                Interlocked.Increment(ref _inboundMessages);
                Interlocked.Add(ref _inboundBytes, count);
                count = 0;
                _inbound.Writer.TryWrite(message);
                if (Interlocked.CompareExchange(ref _dispatching, 1, 0) == 0)
                {
                    if (!turnOpen)
                    {
                        turnOpen = true;
                        DeliveryTurn.Begin();
                    }

                    Dispatch(ref turnMessages);
                }

                // Read ahead at most InboundQueueCapacity messages and MaxMessageSize bytes: past that the reader
                // waits, and TCP slows the client down.
                while (Volatile.Read(ref _inboundMessages) >= InboundQueueCapacity || Volatile.Read(ref _inboundBytes) > limit)
                {
                    if (turnOpen)
                    {
                        turnOpen = false;
                        turnMessages = 0;
                        DeliveryTurn.End();
                    }

                    _readerWaiting = true;
                    if (Volatile.Read(ref _inboundMessages) < InboundQueueCapacity && Volatile.Read(ref _inboundBytes) <= limit)
                    {
                        break;
                    }

                    await _inboundDrained.WaitAsync(_aborted.Token).ConfigureAwait(false);
                }

                _readerWaiting = false;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket dropped or was aborted: a disconnect without a close status.
            return null;
        }
        finally
        {
            if (turnOpen)
            {
                DeliveryTurn.End();
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Runs the queued messages in order on this thread, which has taken _dispatching and is in a delivery turn
    // (DeliveryTurn); `turnMessages` counts the turn's messages, which end it at MaxMessagesPerTurn. Returns when the
    // queue is empty (and _dispatching is released) or when a message's handling has to wait: the frames sent so far
    // leave at once, and the handling's continuation runs the rest of the queue.
    private void Dispatch(ref int turnMessages)
    {
        var reader = _inbound.Reader;
        while (true)
        {
            while (reader.TryRead(out var message))
            {
                if (++turnMessages > MaxMessagesPerTurn)
                {
                    DeliveryTurn.End();
                    DeliveryTurn.Begin();
                    turnMessages = 1;
                }

                var handling = HandleMessageAsync(_consumers!, message);
                if (!handling.IsCompletedSuccessfully)
                {
                    DeliveryTurn.End();
                    DeliveryTurn.Begin();
                    turnMessages = 0;
                    _ = DispatchAfterAsync(handling);
                    return;
                }
            }

            Volatile.Write(ref _dispatching, 0);
            if (_inboundClosed)
            {
                _dispatchIdle.TrySetResult();
            }

            // A message queued after the last TryRead found _dispatching taken: it is this thread's to run.
            if (!reader.TryPeek(out _) || Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }
        }
    }

    // The continuation of a message whose handling waited: the connection's next messages run after it, in a turn of
    // their own on whichever thread completes it.
    private async Task DispatchAfterAsync(ValueTask handling)
    {
        await handling.ConfigureAwait(false);
        RunDispatchTurn();
    }

    private void RunDispatchTurn()
    {
        var turnMessages = 0;
        DeliveryTurn.Begin();
        try
        {
            Dispatch(ref turnMessages);
        }
        finally
        {
            DeliveryTurn.End();
        }
    }

    // After the reader has ended: waits for a running message to finish, then keeps _dispatching for good, so nothing
    // else runs (what is still queued is released with the queue).
    private async Task StopDispatchAsync()
    {
        _inboundClosed = true;
        while (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
        {
            if (_dispatchIdle.Task.IsCompleted)
            {
                // Released once already, and taken again to skip messages queued meanwhile: a matter of microseconds.
                await Task.Yield();
            }
            else
            {
                await _dispatchIdle.Task.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask HandleMessageAsync(ConsumerSet consumers, InboundMessage message)
    {
        try
        {
            if (!_aborted.IsCancellationRequested && Volatile.Read(ref _closeRequested) == 0)
            {
                if (message.Work is { } work)
                {
                    await RunWorkAsync(work).ConfigureAwait(false);
                }
                else
                {
                    await consumers.HandleAsync(message.Memory, message.Throttled).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            // HandleAsync answers every failure of user code itself; reaching here is a runtime fault.
            ConnectionLog.DispatchFailed(_logger, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "Server error");
        }
        finally
        {
            Handled(message);
        }
    }

    /// <summary>
    /// Queues consumer work to run in order with the connection's messages. Never blocks: when the queue is full the
    /// work is dropped and counted, like a frame to a client that stopped reading.
    /// </summary>
    public bool TryQueueWork(Func<ValueTask> work)
    {
        if (Interlocked.Increment(ref _pendingWork) <= _options.SendQueueCapacity && _inbound.Writer.TryWrite(new InboundMessage(work)))
        {
            // Not on the caller's thread (a group sender, an observer notification): a thread-pool item runs it.
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.RunDispatchTurn(), this, preferLocal: false);
            }

            return true;
        }

        // Never dropped silently: a consumer that cannot keep up with its notifications is closed (it resubscribes
        // when it reconnects), counted and logged, like a client that stops reading.
        Interlocked.Decrement(ref _pendingWork);
        if (Volatile.Read(ref _closeRequested) == 0)
        {
            ConsumerMetrics.WorkQueueFull.Add(1);
            ConnectionLog.WorkQueueFull(_logger, _options.SendQueueCapacity);
            RequestClose(WebSocketCloseStatus.PolicyViolation, "Consumer cannot keep up");
        }

        return false;
    }

    // A message or piece of work is done: its buffer goes back to the pool, and a reader waiting for room reads on.
    private void Handled(InboundMessage message)
    {
        if (message.Work is not null)
        {
            Interlocked.Decrement(ref _pendingWork);
            return;
        }

        Interlocked.Decrement(ref _inboundMessages);
        Interlocked.Add(ref _inboundBytes, -message.Memory.Length);
        message.Release();
        if (_readerWaiting && _inboundDrained.CurrentCount == 0)
        {
            try
            {
                _inboundDrained.Release();
            }
            catch (SemaphoreFullException)
            {
                // Signalled already: the reader re-checks either way.
            }
        }
    }

    private async Task RunWorkAsync(Func<ValueTask> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            // The connection is gone.
        }
        catch (Exception ex)
        {
            // A failing handler is the consumer's bug: logged, and the connection goes on.
            ConnectionLog.WorkFailed(_logger, ex);
        }
    }

    private void StartMessageDeadline()
    {
        if (_messageStarted || _options.FragmentedMessageTimeout <= TimeSpan.Zero)
        {
            return;
        }

        if (_messageDeadline is null)
        {
            _messageDeadline = new CancellationTokenSource();
            _messageDeadline.Token.UnsafeRegister(static state => ((ConsumerConnection)state!).CloseUnfinishedMessage(), this);
        }

        _messageStarted = true;
        _messageDeadline.CancelAfter(_options.FragmentedMessageTimeout);
    }

    private void StopMessageDeadline()
    {
        if (_messageStarted)
        {
            _messageStarted = false;
            _messageDeadline!.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private void CloseUnfinishedMessage()
    {
        Security.SecurityLog.MessageNotFinished(_logger, _options.FragmentedMessageTimeout);
        RequestClose(WebSocketCloseStatus.PolicyViolation, "Message not finished in time");
    }

    private void CloseIdle()
    {
        Security.SecurityLog.IdleTimeout(_logger, _options.IdleTimeout);
        RequestClose(WebSocketCloseStatus.NormalClosure, "Idle timeout");
    }

    private static byte[] Grow(byte[] buffer, int count, int limit)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)limit + 1, buffer.Length * 2L));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private async Task WriteLoopAsync(WebSocket socket)
    {
        // Frames are sent without a cancellation token: ManagedWebSocket takes a slower path (an async state machine, a
        // cancellation registration and an asynchronous lock) for every send with a cancellable token. The close
        // timeout aborts the socket instead, which fails a pending send just the same.
        using var abortOnTimeout = _sendAborted.Token.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket);
        try
        {
            if (Upgrade?.Stream is { } stream)
            {
                await WriteToStreamAsync(stream).ConfigureAwait(false);
                await WritePendingAsync(stream, close: true).ConfigureAwait(false);
            }
            else
            {
                await WriteToSocketAsync(socket).ConfigureAwait(false);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(_closeStatus, _closeDescription, _sendAborted.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // A failed write aborts this connection only; it is never thrown into user code.
            ConnectionLog.SendFailed(_logger, ex);
            socket.Abort();
            _aborted.Cancel();
        }
    }

    // HTTP/1.1 upgrade (the usual case): what is queued leaves in one stream write of ready-made frames, one envelope
    // per frame, or with the batch subprotocol one frame holding a JSON array of them.
    private async Task WriteToStreamAsync(FrameBatchingStream stream)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Rented while there is something to write, not while the connection idles.
            var buffer = ArrayPool<byte>.Shared.Rent(MaxWriteBytes);
            try
            {
                while (TryTake(out var first))
                {
                    // Frames a delivery turn held were sent before anything in the queue.
                    await WritePendingAsync(stream, close: false).ConfigureAwait(false);
                    if (!first.IsFlush)
                    {
                        await WriteBatchAsync(stream, buffer, first).ConfigureAwait(false);
                    }

                    Written();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The writer's turn to write held frames (waiting for the stream's lock); with `close`, the last time: frames held
    // afterwards are refused.
    private async ValueTask WritePendingAsync(FrameBatchingStream stream, bool close)
    {
        if (_pending.IsEmpty && !close)
        {
            return;
        }

        await stream.EnterWriteAsync().ConfigureAwait(false);
        try
        {
            if (_pending.TryTake(out var buffer, out var offset, out var length))
            {
                try
                {
                    if (!_dropQueued)
                    {
                        await stream.WriteEnteredAsync(buffer.AsMemory(offset, length)).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            if (close)
            {
                _pending.Close();
            }
        }
        finally
        {
            stream.ExitWrite();
        }
    }

    private async ValueTask WriteBatchAsync(FrameBatchingStream stream, byte[] buffer, OutboundFrame first)
    {
        if (first.Memory.Length + TextFrameHeader.MaxLength + 2 > buffer.Length)
        {
            // Larger than a batch: its header and its bytes, back to back.
            try
            {
                var length = TextFrameHeader.Write(buffer, first.Memory.Length);
                await stream.WriteFrameAsync(buffer.AsMemory(0, length), first.Memory).ConfigureAwait(false);
            }
            finally
            {
                first.Release();
            }

            return;
        }

        if (BatchEnvelopes)
        {
            // The array is built after room for the longest header; its header goes right before it.
            var body = FillArray(buffer.AsSpan(TextFrameHeader.MaxLength), first);
            var start = TextFrameHeader.WriteBefore(buffer, TextFrameHeader.MaxLength, body);
            await stream.WriteFramesAsync(buffer.AsMemory(start, TextFrameHeader.MaxLength + body - start)).ConfigureAwait(false);
        }
        else
        {
            await stream.WriteFramesAsync(buffer.AsMemory(0, FillFrames(buffer, first))).ConfigureAwait(false);
        }
    }

    // Without an upgraded stream (HTTP/2 WebSockets, test servers): through the WebSocket, one send per frame.
    private async Task WriteToSocketAsync(WebSocket socket)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(MaxWriteBytes);
            try
            {
                while (TryTake(out var first))
                {
                    if (!BatchEnvelopes || first.Memory.Length + 2 > buffer.Length)
                    {
                        try
                        {
                            await socket.SendAsync(first.Memory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            first.Release();
                        }
                    }
                    else
                    {
                        var length = FillArray(buffer, first);
                        await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                    }

                    Written();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The frames taken off the queue since the last write: written now, so no longer in the way of direct writes.
    private void Written()
    {
        Interlocked.Add(ref _unwritten, -_taken);
        Interlocked.Add(ref _queuedBytes, -_takenBytes);
        _taken = 0;
        _takenBytes = 0;
    }

    // The next frame to send; frames queued for a client that stopped reading are dropped here.
    private bool TryTake(out OutboundFrame frame)
    {
        while (_queue.Reader.TryRead(out frame))
        {
            Interlocked.Decrement(ref _queued);
            if (!_dropQueued)
            {
                _taken++;
                _takenBytes += frame.Memory.Length;
                return true;
            }

            Interlocked.Decrement(ref _unwritten);
            Interlocked.Add(ref _queuedBytes, -frame.Memory.Length);
            frame.Release();
        }

        return false;
    }

    // The next queued frame when it fits in the remaining space of a batch (and the batch is not full).
    private bool TryTakeFitting(int count, int space, out OutboundFrame frame)
    {
        frame = default;
        return count < MaxFramesPerWrite
            && Volatile.Read(ref _queued) > 0
            && _queue.Reader.TryPeek(out var next) && next.Memory.Length <= space && !next.IsFlush
            && TryTake(out frame);
    }

    // `first` and the frames queued after it, each as a WebSocket text frame; returns the bytes written.
    private int FillFrames(Span<byte> destination, OutboundFrame first)
    {
        var length = 0;
        var count = 0;
        var frame = first;
        do
        {
            length += TextFrameHeader.Write(destination[length..], frame.Memory.Length);
            frame.Memory.Span.CopyTo(destination[length..]);
            length += frame.Memory.Length;
            frame.Release();
            count++;
        }
        while (TryTakeFitting(count, destination.Length - length - TextFrameHeader.MaxLength, out frame));

        return length;
    }

    // `first` alone, or `[first,next,...]` when more frames are queued; returns the bytes written.
    private int FillArray(Span<byte> destination, OutboundFrame first)
    {
        var length = first.Memory.Length;
        if (!TryTakeFitting(1, destination.Length - length - 3, out var next))
        {
            first.Memory.Span.CopyTo(destination);
            first.Release();
            return length;
        }

        destination[0] = (byte)'[';
        first.Memory.Span.CopyTo(destination[1..]);
        first.Release();
        length++;
        var count = 1;
        do
        {
            destination[length++] = (byte)',';
            next.Memory.Span.CopyTo(destination[length..]);
            length += next.Memory.Length;
            next.Release();
            count++;
        }
        while (TryTakeFitting(count, destination.Length - length - 2, out next));

        destination[length++] = (byte)']';
        return length;
    }

    // Holds a frame for the end of this thread's delivery turn; false when it is too big, the connection is closing or
    // the pending frames are full (the caller then writes them and the frame together).
    private bool TryHold(OutboundFrame frame)
    {
        if (frame.Memory.Length > PendingFrames.MaxFrameLength || Volatile.Read(ref _closeRequested) != 0
            || !_pending.TryAppend(frame.Memory.Span, out var first))
        {
            return false;
        }

        frame.Release();
        if (first)
        {
            DeliveryTurn.Hold(this);
        }

        return true;
    }

    /// <summary>
    /// Writes the frames held for this connection by a delivery turn that has ended. When another write holds the
    /// stream, the writer is woken to write them after it (they never wait for a later turn).
    /// </summary>
    public void WriteHeld()
    {
        if (_pending.IsEmpty || _direct is not { } stream)
        {
            return;
        }

        if (!stream.TryEnterWrite())
        {
            Enqueue(OutboundFrame.Flush);
            return;
        }

        // Closing: the writer writes what is pending before the close frame.
        if (Volatile.Read(ref _closeRequested) != 0 || !_pending.TryTake(out var buffer, out var offset, out var length))
        {
            stream.ExitWrite();
            return;
        }

        StartWrite(stream, buffer, offset, length);
    }

    // The sender's own write: only under the stream's lock taken without waiting, with nothing unwritten before it
    // and the connection not closing. Frames held by a delivery turn go first, in the same write. True when the frame
    // is taken care of (written, being written, or lost with a connection whose transport just failed).
    private bool TryWriteNow(FrameBatchingStream stream, OutboundFrame frame)
    {
        if (!stream.TryEnterWrite())
        {
            return false;
        }

        if (Volatile.Read(ref _unwritten) != 0 || Volatile.Read(ref _closeRequested) != 0 || frame.Memory.Length + TextFrameHeader.MaxLength > MaxWriteBytes)
        {
            stream.ExitWrite();
            return false;
        }

        // Frames held by a delivery turn go first, joined by this one when it fits (as an array element for a client of
        // the batch subprotocol).
        var length = frame.Memory.Length;
        if (length <= PendingFrames.MaxFrameLength && _pending.TryAppend(frame.Memory.Span, out _))
        {
            frame.Release();
            if (_pending.TryTake(out var joined, out var offset, out var total))
            {
                StartWrite(stream, joined, offset, total);
            }
            else
            {
                stream.ExitWrite();
            }

            return true;
        }

        if (_pending.TryTake(out var held, out var heldOffset, out var heldLength))
        {
            // No room to join them: the held frames leave now, this one through the queue after them.
            StartWrite(stream, held, heldOffset, heldLength);
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length + TextFrameHeader.MaxLength);
        var header = TextFrameHeader.Write(buffer, length);
        frame.Memory.Span.CopyTo(buffer.AsSpan(header));
        frame.Release();
        StartWrite(stream, buffer, 0, header + length);
        return true;
    }

    // Writes `length` bytes from `offset` of a pooled buffer under the stream's lock, which the caller holds; the lock
    // and the buffer are released when the write completes.
    private void StartWrite(FrameBatchingStream stream, byte[] buffer, int offset, int length)
    {
        ValueTask write;
        try
        {
            write = stream.WriteEnteredAsync(buffer.AsMemory(offset, length));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            stream.ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
            OnSendFailed(ex);
            return;
        }

        if (write.IsCompletedSuccessfully)
        {
            stream.ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        // The transport pushes back (the client reads slowly): the lock stays taken until the write completes, so
        // later frames queue behind this one.
        _ = CompleteWriteAsync(stream, write, buffer);
    }

    private async Task CompleteWriteAsync(FrameBatchingStream stream, ValueTask write, byte[] buffer)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            OnSendFailed(ex);
        }
        finally
        {
            stream.ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnSendFailed(Exception ex)
    {
        ConnectionLog.SendFailed(_logger, ex);
        _socket?.Abort();
        _aborted.Cancel();
    }

    private void DrainQueue()
    {
        while (_inbound.Reader.TryRead(out var message))
        {
            message.Release();
        }

        while (_queue.Reader.TryRead(out var frame))
        {
            frame.Release();
        }

        _pending.Close();
    }
}
