using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Protocol;
using Consumers.Security;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// Reads one connection's socket: reassembles messages, enforces the message-size limit (one byte past it proves a
/// message too big: 1009), the time a fragmented message may take, the idle timeout and the per-connection rate limit,
/// answers binary frames, and hands each text message to the <see cref="ConnectionScheduler"/>.
/// </summary>
/// <remarks>
/// An idle connection holds no receive buffer: the reader waits with a zero-byte receive (as SignalR's WebSocket
/// transport does) and rents a buffer only once a frame has arrived. It keeps its delivery turn open while messages
/// arrive without waiting, so that a run of them read from one transport read sends one write per client, and ends it
/// before it waits for the socket.
/// </remarks>
internal sealed class ConnectionReader
{
    private const int InitialReceiveBufferSize = 4096;

    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionLifetime _lifetime;
    private readonly ConnectionScheduler _scheduler;
    private readonly TokenBucket? _rateLimit;
    private readonly CancellationTokenSource? _idle;

    // Started by the first part of a message, stopped by its last: a message left unfinished holds its buffer.
    private CancellationTokenSource? _messageDeadline;
    private bool _messageStarted;

    // A resumable connection's session: its client's $ack frames are taken here, on arrival.
    private readonly ResumeSession? _resume;

    public ConnectionReader(ConsumerOptions options, ILogger logger, ConnectionLifetime lifetime, ConnectionScheduler scheduler, ResumeSession? resume = null)
    {
        _resume = resume;
        _options = options;
        _logger = logger;
        _lifetime = lifetime;
        _scheduler = scheduler;
        if (options.RateLimitPerSecond > 0)
        {
            _rateLimit = new TokenBucket(options.RateLimitPerSecond, options.RateLimitBurst, options.RateLimitAbuseThreshold);
        }

        if (options.IdleTimeout > TimeSpan.Zero)
        {
            _idle = new CancellationTokenSource();
        }
    }

    /// <summary>
    /// Reads until the client closes (its close status is returned) or the socket drops (null). Never throws for a
    /// socket failure.
    /// </summary>
    public async Task<WebSocketCloseStatus?> ReadAsync(WebSocket socket, ConsumerSet consumers)
    {
        using var idle = _idle?.Token.Register(static state => ((ConnectionReader)state!).CloseIdle(), this);
        _idle?.CancelAfter(_options.IdleTimeout);
        var limit = _options.MaxMessageSize;
        byte[]? buffer = null;
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
                ValueWebSocketReceiveResult result;
                if (buffer is null)
                {
                    // Between messages: wait for the next frame without a buffer, then rent one.
                    var arrival = socket.ReceiveAsync(Memory<byte>.Empty, _lifetime.Aborted);
                    if (!arrival.IsCompleted)
                    {
                        // Nothing waits in the socket: a backlog left by a stall has been read.
                        _rateLimit?.EndCredit();
                        EndTurn(ref turnOpen, ref turnMessages);
                    }

                    result = await arrival.ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return socket.CloseStatus;
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBufferSize);

                    // An empty message is complete already; any other is read into the buffer.
                    if (!result.EndOfMessage)
                    {
                        result = await ReceiveAsync(socket, buffer, count, limit, ref turnOpen, ref turnMessages).ConfigureAwait(false);
                    }
                }
                else
                {
                    if (count == buffer.Length)
                    {
                        buffer = Grow(buffer, count, limit);
                    }

                    result = await ReceiveAsync(socket, buffer, count, limit, ref turnOpen, ref turnMessages).ConfigureAwait(false);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return socket.CloseStatus;
                }

                count += result.Count;

                // Any frame counts as activity: a large message arriving slowly is not idle.
                _idle?.CancelAfter(_options.IdleTimeout);
                if (discarding || _lifetime.CloseRequested)
                {
                    count = 0;
                    continue;
                }

                if (count > limit)
                {
                    ConnectionLog.MessageTooBig(_logger, limit);
                    consumers.ReplyToBadFrame(throttled: false, ProtocolErrors.MessageTooBig(limit));
                    _lifetime.RequestClose(WebSocketCloseStatus.MessageTooBig, "Message too big");
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
                        SecurityLog.RateLimitAbuse(_logger, _options.RateLimitAbuseThreshold);
                        _lifetime.RequestClose(WebSocketCloseStatus.PolicyViolation, "Rate limit exceeded");
                        count = 0;
                        continue;
                    }

                    SecurityLog.MessageThrottled(_logger, _options.RateLimitPerSecond, _options.RateLimitBurst);
                    throttled = true;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _resume?.CountReceived();
                    consumers.ReplyToBadFrame(throttled, ProtocolErrors.BinaryFrame);
                    count = 0;
                    continue;
                }

                if (_resume is not null && !throttled && ResumeFrames.IsAck(buffer.AsSpan(0, count), out var seq))
                {
                    // consumers.resume: an acknowledgement never waits behind a running action, and has no reply.
                    if (!_resume.Buffer.Acknowledge(seq))
                    {
                        consumers.ReplyToBadAck(ResumeFrames.BadAck(_resume.Buffer.Last));
                    }

                    count = 0;
                    continue;
                }

                _resume?.CountReceived();

                // The scheduler takes the buffer (and returns it to the pool); the next message gets a fresh one.
                var message = new InboundMessage(buffer, count, throttled);
                buffer = null;
                count = 0;
                _scheduler.AddAndRun(message, ref turnMessages, ref turnOpen);

                // Read ahead at most so many messages and bytes: past that the reader waits, and TCP slows the client down.
                if (!_scheduler.HasRoom)
                {
                    EndTurn(ref turnOpen, ref turnMessages);
                    var stalled = Stopwatch.GetTimestamp();
                    await _scheduler.WaitForRoomAsync(_lifetime.Aborted).ConfigureAwait(false);

                    // What the client sent while the server did not read is not charged to it (TokenBucket's remarks).
                    _rateLimit?.CreditStall(Stopwatch.GetTimestamp() - stalled);
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
            if (turnOpen)
            {
                DeliveryTurn.End();
            }

            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Stops the reader's timers once the connection has ended.</summary>
    public void Dispose()
    {
        _idle?.Dispose();
        _messageDeadline?.Dispose();
    }

    // Reads at most one byte past the limit (that byte proves the message is too big), ending the reader's turn first
    // when the read has to wait.
    private ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(WebSocket socket, byte[] buffer, int count, int limit, ref bool turnOpen, ref int turnMessages)
    {
        var window = Math.Min(buffer.Length, limit + 1) - count;
        var receive = socket.ReceiveAsync(buffer.AsMemory(count, window), _lifetime.Aborted);
        if (!receive.IsCompleted)
        {
            EndTurn(ref turnOpen, ref turnMessages);
        }

        return receive;
    }

    private static void EndTurn(ref bool turnOpen, ref int turnMessages)
    {
        if (turnOpen)
        {
            turnOpen = false;
            turnMessages = 0;
            DeliveryTurn.End();
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
            _messageDeadline.Token.UnsafeRegister(static state => ((ConnectionReader)state!).CloseUnfinishedMessage(), this);
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
        SecurityLog.MessageNotFinished(_logger, _options.FragmentedMessageTimeout);
        _lifetime.RequestClose(WebSocketCloseStatus.PolicyViolation, "Message not finished in time");
    }

    private void CloseIdle()
    {
        SecurityLog.IdleTimeout(_logger, _options.IdleTimeout);
        _lifetime.RequestClose(WebSocketCloseStatus.NormalClosure, "Idle timeout");
    }

    private static byte[] Grow(byte[] buffer, int count, int limit)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)limit + 1, buffer.Length * 2L));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
