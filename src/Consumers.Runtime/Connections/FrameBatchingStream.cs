using System.Buffers;

namespace Consumers.Connections;

/// <summary>
/// The upgraded connection's stream under the server's <see cref="System.Net.WebSockets.WebSocket"/>, through which
/// the connection's writer also sends batches of ready-made data frames (<see cref="WriteFramesAsync"/>): several
/// queued envelopes leave in one write, each still its own WebSocket frame, without ManagedWebSocket's per-frame send
/// path (a semaphore, a state machine and a copy per frame). Every write, the WebSocket's own (pongs, pings, the close
/// frame) and the batches, goes through one lock, so frames never interleave on the wire.
/// </summary>
/// <remarks>
/// ManagedWebSocket writes each frame it sends with a single stream write, which is what makes whole-write locking
/// enough. Reads pass through untouched.
/// </remarks>
internal sealed class FrameBatchingStream(Stream inner) : Stream
{
    // The write lock: the holder and the writers waiting for it (0 = free). Taking a free lock is one compare-exchange
    // and leaving it one decrement; only a writer that has to wait uses the semaphore, which hands the lock over to
    // one waiter per release. (A SemaphoreSlim alone takes its monitor twice per write, and this runs once per write
    // to every client.)
    private int _writers;
    private readonly SemaphoreSlim _handOver = new(0);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Takes the write lock if no write is in progress; the caller then writes with <see cref="WriteEnteredAsync"/> and calls <see cref="ExitWrite"/>.</summary>
    public bool TryEnterWrite() => Interlocked.CompareExchange(ref _writers, 1, 0) == 0;

    /// <summary>Writes while holding the lock taken with <see cref="TryEnterWrite"/>.</summary>
    public ValueTask WriteEnteredAsync(ReadOnlyMemory<byte> frames) => inner.WriteAsync(frames);

    /// <summary>Releases the write lock, once the write has completed; a waiting writer takes it over.</summary>
    public void ExitWrite()
    {
        if (Interlocked.Decrement(ref _writers) != 0)
        {
            _handOver.Release();
        }
    }

    /// <summary>
    /// Takes the write lock, waiting for it if another write holds it; release it with <see cref="ExitWrite"/>. The wait
    /// cannot be cancelled: it ends when the holder's write completes, or fails when the socket is aborted.
    /// </summary>
    public Task EnterWriteAsync() => Interlocked.Increment(ref _writers) == 1 ? Task.CompletedTask : _handOver.WaitAsync();

    /// <summary>Writes bytes that hold whole WebSocket frames, as one write, never inside another writer's frame.</summary>
    public ValueTask WriteFramesAsync(ReadOnlyMemory<byte> frames) => WriteAsync(frames, CancellationToken.None);

    /// <summary>Writes a frame header and its payload back to back, with no other frame between them.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload)
    {
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(header).ConfigureAwait(false);
            await inner.WriteAsync(payload).ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes from <paramref name="offset"/> of a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/>, under the write lock the caller took with <see cref="TryEnterWrite"/>; the lock
    /// and the buffer are released when the write completes (at once when it completes synchronously). A failed write is
    /// reported to <paramref name="failed"/>, never thrown.
    /// </summary>
    public void StartEnteredWrite<TState>(byte[] buffer, int offset, int length, Action<TState, Exception> failed, TState state)
    {
        ValueTask write;
        try
        {
            write = inner.WriteAsync(buffer.AsMemory(offset, length));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
            failed(state, ex);
            return;
        }

        if (write.IsCompletedSuccessfully)
        {
            ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        // The transport pushes back (the client reads slowly): the lock stays taken until the write completes, so
        // later frames queue behind this one.
        _ = CompleteEnteredWriteAsync(write, buffer, failed, state);
    }

    private async Task CompleteEnteredWriteAsync<TState>(ValueTask write, byte[] buffer, Action<TState, Exception> failed, TState state)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            failed(state, ex);
        }
        finally
        {
            ExitWrite();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!TryEnterWrite())
        {
            return WriteContendedAsync(buffer, cancellationToken);
        }

        ValueTask write;
        try
        {
            write = inner.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            ExitWrite();
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            ExitWrite();
            return ValueTask.CompletedTask;
        }

        return ReleaseAfterAsync(write);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask WriteContendedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            // Cancelled while waiting: the lock is handed on, nothing written.
            cancellationToken.ThrowIfCancellationRequested();
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
        }
    }

    private async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            ExitWrite();
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
