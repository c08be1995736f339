using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One chat client of the load tool: a minimal RFC 6455 client on a raw socket, so that receiving costs the shared
/// machine as little as possible and the same for every server. It reads in bulk, parses the frames itself, splits
/// SignalR's coalesced frames on the record separator (0x1E) and Consumers' batched frames (a JSON array of envelopes,
/// under the <c>consumers.batch</c> subprotocol) into their elements, and records each delivered body's latency and
/// how many deliveries each frame carried. A client may also be one of its room's senders.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    /// <summary>The WebSocket subprotocol with which a Consumers server may put several envelopes in one frame.</summary>
    public const string BatchSubprotocol = "consumers.batch";

    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] MaskKey = [0x37, 0xfa, 0x21, 0x3d];

    private readonly Socket _socket;
    private readonly FanoutTarget _target;
    private readonly string _room;
    private readonly LatencyHistogram _latencies;
    private readonly int[] _lastSequence;
    private readonly SemaphoreSlim _echoed = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Buffers.ArrayBufferWriter<byte> _fragments = new();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private Task _receiving = Task.CompletedTask;
    private long _received;
    private long _frames;
    private long _arrayFrames;
    private long _echoes;
    private long _lastReceiveTimestamp;
    private long _outOfOrder;

    // Sender state: the frame is prebuilt; each send rewrites the body and masks it again.
    private byte[]? _frame;
    private byte[]? _plain;
    private int _headerLength;
    private int _bodyOffset;
    private int _suffixLength;

    private LoadClient(Socket socket, FanoutTarget target, string room, string? subprotocol, LatencyHistogram latencies, int senders, byte[] leftover)
    {
        _socket = socket;
        _target = target;
        _room = room;
        Subprotocol = subprotocol;
        _latencies = latencies;
        _lastSequence = new int[senders];
        Array.Fill(_lastSequence, -1);
        _buffer = new byte[64 * 1024];
        leftover.CopyTo(_buffer, 0);
        _end = leftover.Length;
    }

    public int SenderId { get; private set; } = -1;

    /// <summary>The subprotocol the server selected in its 101 response, or null.</summary>
    public string? Subprotocol { get; }

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
    public string? Failure { get; private set; }

    public static string PathOf(FanoutTarget target, string room) => target switch
    {
        FanoutTarget.Consumers or FanoutTarget.ConsumersBatch => "/ws",
        FanoutTarget.SignalR => "/hub",
        _ => "/raw/" + room,
    };

    /// <summary>Connects, upgrades, and joins <paramref name="room"/> as the target's clients do (Consumers: the <c>join</c>
    /// action; SignalR: the handshake, then <c>Join</c>; raw: by the path).</summary>
    /// <param name="senders">The number of sender ids in the whole trial (for the order check).</param>
    public static async Task<LoadClient> ConnectAsync(FanoutTarget target, int port, string room, LatencyHistogram latencies, int senders, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            var request = $"GET {PathOf(target, room)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                (target == FanoutTarget.ConsumersBatch ? $"Sec-WebSocket-Protocol: {BatchSubprotocol}\r\n" : string.Empty) + "\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
            var response = new byte[4096];
            var count = 0;
            int headerEnd;
            while ((headerEnd = response.AsSpan(0, count).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = await socket.ReceiveAsync(response.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (read == 0 || count + read == response.Length)
                {
                    throw new IOException("The server closed the connection or sent an oversized response during the upgrade.");
                }

                count += read;
            }

            var head = Encoding.ASCII.GetString(response, 0, headerEnd);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new IOException("Upgrade refused: " + head);
            }

            var client = new LoadClient(socket, target, room, SelectedSubprotocol(head), latencies, senders, response[(headerEnd + 4)..count]);
            switch (target)
            {
                case FanoutTarget.SignalR:
                    await client.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    await client.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"target\":\"Join\",\"arguments\":[\"{room}\"]}}\u001e"), cancellationToken).ConfigureAwait(false);
                    break;
                case FanoutTarget.Consumers or FanoutTarget.ConsumersBatch:
                    await client.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"action\":\"join\",\"room\":\"{room}\"}}"), cancellationToken).ConfigureAwait(false);
                    break;
            }

            client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string? SelectedSubprotocol(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>Makes this client a sender: prebuilds its request frame around a body of <paramref name="payloadBytes"/>.</summary>
    public void BecomeSender(int senderId, int payloadBytes)
    {
        SenderId = senderId;
        var (prefix, suffix) = _target switch
        {
            FanoutTarget.Consumers or FanoutTarget.ConsumersBatch => ($"{{\"action\":\"broadcast\",\"room\":\"{_room}\",\"text\":\"", "\"}"),
            FanoutTarget.SignalR => ($"{{\"type\":1,\"target\":\"Send\",\"arguments\":[\"{_room}\",\"", "\"]}\u001e"),
            _ => ("{\"body\":\"", "\"}"),
        };
        var body = Math.Max(payloadBytes, ChatBody.HeaderLength);
        _plain = [.. Encoding.ASCII.GetBytes(prefix), .. new byte[body], .. Encoding.ASCII.GetBytes(suffix)];
        _bodyOffset = prefix.Length;
        _suffixLength = suffix.Length;
        _frame = new byte[14 + _plain.Length];
        _headerLength = WriteHeader(_frame, _plain.Length);
    }

    /// <summary>Sends the next message of this sender, stamped now.</summary>
    public ValueTask<int> SendNextAsync(CancellationToken cancellationToken)
    {
        var plain = _plain!;
        ChatBody.Write(plain.AsSpan(_bodyOffset, plain.Length - _bodyOffset - _suffixLength), Stopwatch.GetTimestamp(), SenderId, (int)Sent);
        Mask(plain, _frame.AsSpan(_headerLength));
        Sent++;
        return _socket.SendAsync(_frame.AsMemory(0, _headerLength + plain.Length), SocketFlags.None, cancellationToken);
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

    private async Task SendTextAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new byte[14 + payload.Length];
        var header = WriteHeader(frame, payload.Length);
        Mask(payload, frame.AsSpan(header));
        await _socket.SendAsync(frame.AsMemory(0, header + payload.Length), cancellationToken).ConfigureAwait(false);
    }

    private static int WriteHeader(byte[] frame, int length)
    {
        frame[0] = 0x81; // FIN + text
        int at;
        if (length < 126)
        {
            frame[1] = (byte)(0x80 | length);
            at = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
            at = 4;
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
            at = 10;
        }

        MaskKey.CopyTo(frame, at);
        return at + 4;
    }

    private static void Mask(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        for (var i = 0; i < plain.Length; i++)
        {
            destination[i] = (byte)(plain[i] ^ MaskKey[i & 3]);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                if (!ParseFrames())
                {
                    return;
                }

                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    Failure ??= "the server closed the TCP connection";
                    return;
                }

                _end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                Failure ??= ex.Message;
            }
        }
        catch (FormatException ex)
        {
            Failure ??= "malformed batched frame: " + ex.Message;
        }
    }

    /// <summary>Handles every complete frame in the buffer and makes room for the next read; false after a close frame.</summary>
    private bool ParseFrames()
    {
        while (true)
        {
            var available = _end - _start;
            if (available < 2)
            {
                break;
            }

            var span = _buffer.AsSpan(_start, available);
            long length = span[1] & 0x7F;
            var header = 2;
            if (length == 126)
            {
                if (available < 4)
                {
                    break;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
                header = 4;
            }
            else if (length == 127)
            {
                if (available < 10)
                {
                    break;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(span[2..]);
                header = 10;
            }

            if (header + length > _buffer.Length)
            {
                // A frame larger than the buffer (a big coalesced SignalR frame): grow, keeping what was read.
                var larger = new byte[Math.Max(_buffer.Length * 2, header + (int)length)];
                span.CopyTo(larger);
                _buffer = larger;
                _start = 0;
                _end = available;
                return true;
            }

            if (available < header + length)
            {
                break;
            }

            var opcode = span[0] & 0x0F;
            if (opcode == 0x8)
            {
                Failure ??= "closed by the server" + (length >= 2 ? ": " + BinaryPrimitives.ReadUInt16BigEndian(span[header..]) : string.Empty);
                return false;
            }

            if (opcode is 0x1 or 0x0)
            {
                var payload = span.Slice(header, (int)length);
                var final = (span[0] & 0x80) != 0;
                if (final && _fragments.WrittenCount == 0)
                {
                    HandleFrame(payload);
                }
                else
                {
                    // SignalR sends a multi-segment pipe buffer as several frames of one message, split anywhere.
                    System.Buffers.BuffersExtensions.Write(_fragments, payload);
                    if (final)
                    {
                        HandleFrame(_fragments.WrittenSpan);
                        _fragments.ResetWrittenCount();
                    }
                }
            }

            _start += header + (int)length;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < 4096)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        return true;
    }

    private void HandleFrame(ReadOnlySpan<byte> payload)
    {
        var deliveries = 0;
        switch (_target)
        {
            case FanoutTarget.SignalR:
                while (!payload.IsEmpty)
                {
                    var end = payload.IndexOf(RecordSeparator);
                    if (end < 0)
                    {
                        deliveries += HandleMessage(payload);
                        break;
                    }

                    deliveries += HandleMessage(payload[..end]);
                    payload = payload[(end + 1)..];
                }

                break;
            case FanoutTarget.Consumers or FanoutTarget.ConsumersBatch:
                // A frame that is a JSON object is one envelope; one that starts with '[' is an array of them.
                var trimmed = payload.TrimStart(" \t\r\n"u8);
                if (!trimmed.IsEmpty && trimmed[0] == (byte)'[')
                {
                    Interlocked.Increment(ref _arrayFrames);
                    foreach (var range in new JsonArrayElements(trimmed))
                    {
                        deliveries += HandleMessage(trimmed[range]);
                    }
                }
                else
                {
                    deliveries += HandleMessage(payload);
                }

                break;
            default:
                deliveries += HandleMessage(payload);
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
        _stop.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
        _stop.Dispose();
        _echoed.Dispose();
    }
}
