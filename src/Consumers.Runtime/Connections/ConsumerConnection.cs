using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Consumers.Diagnostics;
using Consumers.Hosting;
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
internal sealed class ConsumerConnection
{
    private const int InitialReceiveBufferSize = 4096;

    // Read-ahead while an action runs; past it the reader waits, and TCP slows the client down.
    private const int InboundQueueCapacity = 32;

    private static long s_nextId;

    // Frames per socket write at most, when the send queue holds more: bounds the delay of the first of them.
    private const int MaxFramesPerWrite = 64;

    private readonly Channel<OutboundFrame> _queue;

    // Frames in the queue, kept beside it: the writer asks "is another one waiting?" for every frame, and the
    // channel answers that only under its lock, which the group senders contend for.
    private int _queued;

    // Messages read but not yet handled. The reader never waits for an action, so it sees a dropped socket
    // (and cancels the running action) while the dispatcher handles the connection's messages one at a time.
    private readonly Channel<InboundMessage> _inbound = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(InboundQueueCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
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
    /// Queues a frame for the writer. Never blocks. When the queue is full the client is not reading: the frame
    /// is dropped and the connection is closed with 1008.
    /// </summary>
    /// <returns><see langword="false"/> when the frame was dropped.</returns>
    public bool TrySend(OutboundFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            Interlocked.Increment(ref _queued);
            return true;
        }

        frame.Release();
        if (Volatile.Read(ref _closeRequested) == 0)
        {
            ConsumerMetrics.SendQueueFull.Add(1);
            ConnectionLog.SendQueueFull(_logger, _options.SendQueueCapacity);
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
        using var idle = _idle?.Token.Register(static state => ((ConsumerConnection)state!).CloseIdle(), this);
        _idle?.CancelAfter(_options.IdleTimeout);
        using (stopping.Register(static state => ((ConsumerConnection)state!).RequestClose(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"), this))
        {
            var writer = WriteLoopAsync(socket);
            var dispatcher = DispatchLoopAsync(consumers);
            try
            {
                clientStatus = await ReadLoopAsync(socket, consumers).ConfigureAwait(false);
            }
            finally
            {
                // The client is gone or closing: running actions are cancelled, queued messages are dropped.
                _inbound.Writer.TryComplete();
                _aborted.Cancel();
                await dispatcher.ConfigureAwait(false);

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
                var result = await socket.ReceiveAsync(buffer.AsMemory(count, window), _aborted.Token).ConfigureAwait(false);
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
                count = 0;
                if (!_inbound.Writer.TryWrite(message))
                {
                    await _inbound.Writer.WriteAsync(message, _aborted.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket dropped or was aborted: a disconnect without a close status.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task DispatchLoopAsync(ConsumerSet consumers)
    {
        var reader = _inbound.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
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
                    message.Release();
                }
            }
        }
    }

    /// <summary>
    /// Queues consumer work to run in order with the connection's messages. Never blocks: when the queue is full the
    /// work is dropped and counted, like a frame to a client that stopped reading.
    /// </summary>
    public bool TryQueueWork(Func<ValueTask> work)
    {
        if (_inbound.Writer.TryWrite(new InboundMessage(work)))
        {
            return true;
        }

        ConsumerMetrics.WorkDropped.Add(1);
        return false;
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
        var reader = _queue.Reader;

        // Frames are sent without a cancellation token: ManagedWebSocket takes a slower path (an async state machine, a
        // cancellation registration and an asynchronous lock) for every send with a cancellable token. The close
        // timeout aborts the socket instead, which fails a pending send just the same.
        using var abortOnTimeout = _sendAborted.Token.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket);
        var batching = Upgrade?.Stream;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var batched = 0;
                while (reader.TryRead(out var frame))
                {
                    Interlocked.Decrement(ref _queued);
                    try
                    {
                        if (!_dropQueued)
                        {
                            if (batching is not null)
                            {
                                // Hold this frame only when another is already queued: it is sent next, unheld (or
                                // the batch is full), and takes this one along in the same write.
                                batching.Hold = ++batched < MaxFramesPerWrite && Volatile.Read(ref _queued) > 0;
                                if (!batching.Hold)
                                {
                                    batched = 0;
                                }
                            }

                            await socket.SendAsync(frame.Memory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        frame.Release();
                    }
                }

                // Frames skipped after a hold (the queue overflowed meanwhile) leave bytes held: the close frame,
                // which follows, takes them along. Nothing is held while the writer waits.
                batching?.Hold = false;
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
    }
}
