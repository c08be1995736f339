using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// The upgraded connection's stream under the server's <see cref="System.Net.WebSockets.WebSocket"/>, able to hold
/// whole frames back so that several go to the transport in one write. ManagedWebSocket writes each frame with one
/// stream write, and on Kestrel each write is a pipe flush and, usually, a socket send of its own; when a
/// connection's send queue holds more frames, the connection's writer sets <see cref="Hold"/> for all but the last,
/// and they leave with it in one write (SignalR gets the same effect by putting several messages in one frame, which
/// our protocol of one object per frame cannot do). Transparent while <see cref="Hold"/> is false.
/// </summary>
/// <remarks>
/// The WebSocket serializes its writes (frames, pings, pongs, close), so writes never overlap here. Whatever is held
/// goes out with the next write that is not held; the connection's writer only holds a frame when it is about to
/// send another, and clears <see cref="Hold"/> before it waits or closes.
/// </remarks>
internal sealed class FrameBatchingStream(Stream inner) : Stream
{
    // Past this many held bytes a write goes out even when held: bounds the buffer and the delay of the first frame.
    private const int MaxHeldBytes = 32 * 1024;

    private byte[]? _held;
    private int _heldCount;
    private volatile bool _hold;

    /// <summary>Whether writes are held back for the next write that is not.</summary>
    public bool Hold
    {
        get => _hold;
        set => _hold = value;
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_heldCount == 0 && !_hold)
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        Append(buffer.Span);
        if (_hold && _heldCount < MaxHeldBytes)
        {
            return ValueTask.CompletedTask;
        }

        return WriteHeldAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _held ??= ArrayPool<byte>.Shared.Rent(Math.Max(4096, bytes.Length));
        if (_held.Length - _heldCount < bytes.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_held.Length * 2, _heldCount + bytes.Length));
            _held.AsSpan(0, _heldCount).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_held);
            _held = larger;
        }

        bytes.CopyTo(_held.AsSpan(_heldCount));
        _heldCount += bytes.Length;
    }

    private async ValueTask WriteHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await inner.WriteAsync(_held.AsMemory(0, _heldCount), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _heldCount = 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
