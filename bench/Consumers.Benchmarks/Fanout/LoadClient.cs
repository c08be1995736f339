using System.Diagnostics;
using System.Text;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One chat client of the load tool, on a <see cref="RawWebSocket"/> (a minimal raw-socket client, so that receiving
/// costs the shared machine as little as possible and the same for every server). It splits SignalR's coalesced frames
/// on the record separator (0x1E) and Consumers' batched frames (a JSON array of envelopes, under the
/// <c>consumers.batch</c> subprotocol) into their elements, and records each delivered body's latency and how many
/// deliveries each frame carried. A client may also be one of its room's senders.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    /// <summary>The WebSocket subprotocol with which a Consumers server may put several envelopes in one frame.</summary>
    public const string BatchSubprotocol = "consumers.batch";

    /// <summary>The WebSocket subprotocol of resumable connections: frames counted, acknowledged every 50 (as the shipped clients do).</summary>
    public const string ResumeSubprotocol = "consumers.resume";

    private const int AckEvery = 50;

    private const int SparseAckEvery = 1000;

    private readonly RawWebSocket _socket;
    private readonly FanoutTarget _target;
    private readonly string _room;
    private readonly LatencyHistogram _latencies;
    private readonly int[] _lastSequence;
    private readonly SemaphoreSlim _echoed = new(0);
    private readonly WireMessages.Handler _handleMessage;
    private long _received;
    private long _frames;
    private long _arrayFrames;
    private long _echoes;
    private long _lastReceiveTimestamp;
    private long _outOfOrder;

    // consumers.resume: frames counted since the $resume frame, the last count acknowledged, and one sender at a time
    // on the socket (the acks go beside the sender's messages).
    private long _seq;
    private long _acknowledged;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly int _ackEvery;

    // Sender state: the frame is prebuilt; each send rewrites the body and masks it again.
    private byte[]? _frame;
    private byte[]? _plain;
    private int _headerLength;
    private int _bodyOffset;
    private int _suffixLength;

    private LoadClient(RawWebSocket socket, FanoutTarget target, string room, LatencyHistogram latencies, int senders)
    {
        _socket = socket;
        _target = target;
        _room = room;
        _latencies = latencies;
        _lastSequence = new int[senders];
        Array.Fill(_lastSequence, -1);
        _handleMessage = target is FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks ? HandleCountedMessage : HandleMessage;
        _ackEvery = target == FanoutTarget.ConsumersResumeSparseAcks ? SparseAckEvery : AckEvery;
    }

    public int SenderId { get; private set; } = -1;

    /// <summary>The subprotocol the server selected in its 101 response, or null.</summary>
    public string? Subprotocol => _socket.Subprotocol;

    public long Sent { get; private set; }

    /// <summary>Deliveries received (messages carrying a benchmark body).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>WebSocket messages (frames, after reassembly) that carried at least one delivery.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Of <see cref="Frames"/>, those that were a JSON array of envelopes (Consumers' batching subprotocol).</summary>
    public long ArrayFrames => Interlocked.Read(ref _arrayFrames);

    public long Echoes => Interlocked.Read(ref _echoes);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public long LastReceiveTimestamp => Interlocked.Read(ref _lastReceiveTimestamp);

    /// <summary>Why the receive loop ended before the client was disposed (the server closed or dropped it), or null.</summary>
    public string? Failure => _socket.Failure;

    public static string PathOf(FanoutTarget target, string room) => target switch
    {
        FanoutTarget.Consumers or FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks => "/ws",
        FanoutTarget.SignalR => "/hub",
        _ => "/raw/" + room,
    };

    /// <summary>Connects, upgrades, and joins <paramref name="room"/> as the target's clients do (Consumers: the <c>join</c>
    /// action; SignalR: the handshake, then <c>Join</c>; raw: by the path).</summary>
    /// <param name="senders">The number of sender ids in the whole trial (for the order check).</param>
    public static async Task<LoadClient> ConnectAsync(FanoutTarget target, int port, string room, LatencyHistogram latencies, int senders, CancellationToken cancellationToken)
    {
        var subprotocol = target switch
        {
            FanoutTarget.ConsumersBatch => BatchSubprotocol,
            FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks => ResumeSubprotocol,
            _ => null,
        };
        var socket = await RawWebSocket.ConnectAsync(port, PathOf(target, room), subprotocol, cancellationToken).ConfigureAwait(false);
        try
        {
            var client = new LoadClient(socket, target, room, latencies, senders);
            switch (target)
            {
                case FanoutTarget.SignalR:
                    await socket.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    await socket.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"target\":\"Join\",\"arguments\":[\"{room}\"]}}\u001e"), cancellationToken).ConfigureAwait(false);
                    break;
                case FanoutTarget.Consumers or FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks:
                    await socket.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"action\":\"join\",\"room\":\"{room}\"}}"), cancellationToken).ConfigureAwait(false);
                    break;
            }

            socket.StartReceiving(client.HandleFrame);
            return client;
        }
        catch
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Makes this client a sender: prebuilds its request frame around a body of <paramref name="payloadBytes"/>.</summary>
    public void BecomeSender(int senderId, int payloadBytes)
    {
        SenderId = senderId;
        var (prefix, suffix) = _target switch
        {
            FanoutTarget.Consumers or FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks => ($"{{\"action\":\"broadcast\",\"room\":\"{_room}\",\"text\":\"", "\"}"),
            FanoutTarget.SignalR => ($"{{\"type\":1,\"target\":\"Send\",\"arguments\":[\"{_room}\",\"", "\"]}\u001e"),
            _ => ("{\"body\":\"", "\"}"),
        };
        var body = Math.Max(payloadBytes, ChatBody.HeaderLength);
        _plain = [.. Encoding.ASCII.GetBytes(prefix), .. new byte[body], .. Encoding.ASCII.GetBytes(suffix)];
        _bodyOffset = prefix.Length;
        _suffixLength = suffix.Length;
        _frame = new byte[14 + _plain.Length];
        _headerLength = RawWebSocket.WriteHeader(_frame, _plain.Length);
    }

    /// <summary>Sends the next message of this sender, stamped now.</summary>
    public ValueTask<int> SendNextAsync(CancellationToken cancellationToken)
    {
        var plain = _plain!;
        ChatBody.Write(plain.AsSpan(_bodyOffset, plain.Length - _bodyOffset - _suffixLength), Stopwatch.GetTimestamp(), SenderId, (int)Sent);
        RawWebSocket.Mask(plain, _frame.AsSpan(_headerLength));
        Sent++;
        return _target is FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks
            ? SendLockedAsync(_frame.AsMemory(0, _headerLength + plain.Length), cancellationToken)
            : _socket.SendFrameAsync(_frame.AsMemory(0, _headerLength + plain.Length), cancellationToken);
    }

    private async ValueTask<int> SendLockedAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _socket.SendFrameAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // consumers.resume: one envelope of the session counted (the $resume frame is not); every 50 (or 1,000) an $ack.
    private int HandleCountedMessage(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("{\"action\":\"$resume\""u8))
        {
            return 0;
        }

        var seq = Interlocked.Increment(ref _seq);
        if (seq - Interlocked.Read(ref _acknowledged) >= _ackEvery)
        {
            Interlocked.Exchange(ref _acknowledged, seq);
            _ = AcknowledgeAsync(seq);
        }

        return HandleMessage(message);
    }

    private async Task AcknowledgeAsync(long seq)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendTextAsync(Encoding.ASCII.GetBytes("{\"action\":\"$ack\",\"seq\":" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}"), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The run is ending.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits until fewer than <paramref name="window"/> of this sender's messages have not come back to it yet.</summary>
    public async ValueTask<bool> WaitForWindowAsync(int window, CancellationToken cancellationToken)
    {
        while (Sent - Echoes >= window)
        {
            if (!await _echoed.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false) && Sent - Echoes >= window)
            {
                return false;
            }
        }

        return true;
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _frames, 0);
        Interlocked.Exchange(ref _arrayFrames, 0);
    }

    private void HandleFrame(ReadOnlySpan<byte> payload)
    {
        int deliveries;
        switch (_target)
        {
            case FanoutTarget.SignalR:
                deliveries = WireMessages.SignalR(payload, _handleMessage);
                break;
            case FanoutTarget.Consumers or FanoutTarget.ConsumersBatch or FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks:
                deliveries = WireMessages.Consumers(payload, _handleMessage, out var array);
                if (array)
                {
                    Interlocked.Increment(ref _arrayFrames);
                }

                break;
            default:
                deliveries = HandleMessage(payload);
                break;
        }

        if (deliveries > 0)
        {
            Interlocked.Increment(ref _frames);
        }
    }

    /// <summary>Records one message; 1 when it carried a benchmark body (a delivery), else 0 (replies, pings, handshakes).</summary>
    private int HandleMessage(ReadOnlySpan<byte> message)
    {
        if (!ChatBody.TryRead(message, out var sentAt, out var sender, out var sequence))
        {
            return 0;
        }

        var now = Stopwatch.GetTimestamp();
        _latencies.Record((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
        if ((uint)sender < (uint)_lastSequence.Length)
        {
            if (sequence <= _lastSequence[sender])
            {
                Interlocked.Increment(ref _outOfOrder);
            }

            _lastSequence[sender] = sequence;
        }

        Interlocked.Exchange(ref _lastReceiveTimestamp, now);
        Interlocked.Increment(ref _received);
        if (sender == SenderId)
        {
            Interlocked.Increment(ref _echoes);
            _echoed.Release();
        }

        return 1;
    }

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync().ConfigureAwait(false);
        _echoed.Dispose();
        _sendLock.Dispose();
    }
}
