using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Consumers.Benchmarks;

/// <summary>
/// A minimal RFC 6455 client on a raw socket for the load tools, so that receiving costs the shared machine as little as
/// possible and the same for every server: it upgrades with a fixed key (optionally offering a subprotocol), reads in
/// bulk, parses the frames itself, reassembles a message sent as several frames, and hands each complete text message
/// to one callback on its receive loop. Sends are masked with a fixed key.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    private static readonly byte[] MaskKey = [0x37, 0xfa, 0x21, 0x3d];

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ArrayBufferWriter<byte> _fragments = new();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private Task _receiving = Task.CompletedTask;
    private MessageHandler? _handler;

    private RawWebSocket(Socket socket, string? subprotocol, ReadOnlySpan<byte> leftover)
    {
        _socket = socket;
        Subprotocol = subprotocol;
        _buffer = new byte[64 * 1024];
        leftover.CopyTo(_buffer);
        _end = leftover.Length;
    }

    /// <summary>Takes one complete text message (the payload of a final frame, or of reassembled fragments).</summary>
    /// <param name="message">The payload, valid during the call only.</param>
    /// <exception cref="FormatException">The handler found the message malformed: the receive loop ends with a <see cref="Failure"/>.</exception>
    public delegate void MessageHandler(ReadOnlySpan<byte> message);

    /// <summary>The subprotocol the server selected in its 101 response, or null.</summary>
    public string? Subprotocol { get; }

    /// <summary>Why the receive loop ended before the client was disposed (the server closed or dropped it), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and upgrades <paramref name="path"/>.</summary>
    /// <param name="port">The server's port.</param>
    /// <param name="path">The request path, e.g. <c>/ws</c>.</param>
    /// <param name="subprotocol">A subprotocol to offer (<c>Sec-WebSocket-Protocol</c>), or null.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="IOException">The server refused the upgrade or closed the connection during it.</exception>
    public static async Task<RawWebSocket> ConnectAsync(int port, string path, string? subprotocol, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                (subprotocol is null ? string.Empty : $"Sec-WebSocket-Protocol: {subprotocol}\r\n") + "\r\n";
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

            return new RawWebSocket(socket, SelectedSubprotocol(head), response.AsSpan(headerEnd + 4, count - headerEnd - 4));
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

    /// <summary>Starts the receive loop (once): every complete text message goes to <paramref name="handler"/>, in order, on that loop.</summary>
    public void StartReceiving(MessageHandler handler)
    {
        _handler = handler;
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    /// <summary>Sends <paramref name="payload"/> as one masked text frame.</summary>
    public async Task SendTextAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = new byte[14 + payload.Length];
        var header = WriteHeader(frame, payload.Length);
        Mask(payload.Span, frame.AsSpan(header));
        await _socket.SendAsync(frame.AsMemory(0, header + payload.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a frame built with <see cref="WriteHeader"/> and <see cref="Mask"/> as it is.</summary>
    public ValueTask<int> SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
        => _socket.SendAsync(frame, SocketFlags.None, cancellationToken);

    /// <summary>Writes a final, masked text frame's header for a payload of <paramref name="length"/> bytes; returns its length (at most 14).</summary>
    public static int WriteHeader(byte[] frame, int length)
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

    /// <summary>Masks <paramref name="plain"/> with the key <see cref="WriteHeader"/> wrote into <paramref name="destination"/>.</summary>
    public static void Mask(ReadOnlySpan<byte> plain, Span<byte> destination)
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
            Failure ??= "malformed message: " + ex.Message;
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
                    _handler!(payload);
                }
                else
                {
                    // SignalR sends a multi-segment pipe buffer as several frames of one message, split anywhere.
                    _fragments.Write(payload);
                    if (final)
                    {
                        _handler!(_fragments.WrittenSpan);
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

    /// <summary>Cuts the TCP connection with a reset (no close frame, no FIN), as a network drop does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
        _stop.Dispose();
    }
}
