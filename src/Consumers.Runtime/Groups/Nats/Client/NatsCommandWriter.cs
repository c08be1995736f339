using System.Buffers;
using System.Net.Sockets;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// The single writer of a connection, after nats.net's CommandWriter: callers format commands into a pending
/// buffer under a short lock (no await on the fast path) and one loop per socket swaps that buffer out and sends
/// it in one write, so a burst of publishes becomes one syscall. The pending buffer outlives sockets: while
/// detached it is the reconnect buffer, bounded for publishes by <c>bufferLimit</c>; while attached the same figure
/// (at least 1 MiB) is the back-pressure threshold at which publishers wait for the loop to drain it.
/// PONGs are matched to PINGs in order; a PING sent on a socket that dies fails its waiter, a PING still in the
/// pending buffer is carried to the next socket.
/// </summary>
internal sealed class NatsCommandWriter
{
    private const int MinAttachedThreshold = 1024 * 1024;

    private readonly object _lock = new();
    private readonly int _bufferLimit;
    private readonly int _attachedThreshold;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Queue<TaskCompletionSource?> _pongWaiters = new();
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _sending = new(64 * 1024);
    private int _pingsPending;
    private int _pingsSent;
    private Socket? _socket;
    private bool _signaled;
    private TaskCompletionSource? _drained;
    private Exception? _closedReason;
    private long _bytesSent;

    public NatsCommandWriter(int bufferLimit)
    {
        _bufferLimit = bufferLimit;
        _attachedThreshold = Math.Max(bufferLimit, MinAttachedThreshold);
    }

    /// <summary>Held while changing the subscription table so SUB/UNSUB order matches the re-SUB replay on reconnect.</summary>
    public object SyncRoot => _lock;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _pending.WrittenCount;
            }
        }
    }

    /// <summary>Queues a PUB/HPUB. Completes synchronously unless the connected socket is behind by the threshold.</summary>
    /// <exception cref="NatsReconnectBufferExceededException">Disconnected and the reconnect buffer is full.</exception>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    public ValueTask PublishAsync(string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (TryPublishLocked(subject, replyTo, headers, headerLength, payload.Span, out wait))
            {
                return default;
            }
        }

        return PublishSlowAsync(wait, subject, replyTo, headers, headerLength, payload, cancellationToken);
    }

    private async ValueTask PublishSlowAsync(Task wait, string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryPublishLocked(subject, replyTo, headers, headerLength, payload.Span, out wait))
                {
                    return;
                }
            }
        }
    }

    private bool TryPublishLocked(string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlySpan<byte> payload, out Task wait)
    {
        ThrowIfClosedLocked();
        if (_socket is null)
        {
            var size = NatsProtocolWriter.GetPublishSize(subject, replyTo, headers is not null, headerLength, payload.Length);
            if (_pending.WrittenCount + size > _bufferLimit)
            {
                throw new NatsReconnectBufferExceededException(subject, headerLength + payload.Length, _pending.WrittenCount, _bufferLimit);
            }
        }
        else if (_pending.WrittenCount >= _attachedThreshold)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _drained.Task;
            return false;
        }

        NatsProtocolWriter.WritePublish(_pending, subject, replyTo, headers, headerLength, payload);
        SignalLocked();
        wait = Task.CompletedTask;
        return true;
    }

    /// <summary>Queues SUB (+ UNSUB max). Control commands are never refused for space: they are tiny and replayed anyway.</summary>
    public void WriteSubscribe(long sid, string subject, string? queueGroup, long? maxMsgs)
    {
        lock (_lock)
        {
            ThrowIfClosedLocked();
            NatsProtocolWriter.WriteSubscribe(_pending, sid, subject, queueGroup, maxMsgs);
            SignalLocked();
        }
    }

    public void WriteUnsubscribe(long sid, long? maxMsgs)
    {
        lock (_lock)
        {
            if (_closedReason is not null)
            {
                return;
            }

            NatsProtocolWriter.WriteUnsubscribe(_pending, sid, maxMsgs);
            SignalLocked();
        }
    }

    /// <summary>Queues a PING; <paramref name="waiter"/> (null for a keep-alive) completes on its PONG.</summary>
    public void WritePing(TaskCompletionSource? waiter)
    {
        lock (_lock)
        {
            ThrowIfClosedLocked();
            NatsProtocolWriter.WritePing(_pending);
            _pongWaiters.Enqueue(waiter);
            _pingsPending++;
            SignalLocked();
        }
    }

    public void WritePong()
    {
        lock (_lock)
        {
            if (_closedReason is null)
            {
                NatsProtocolWriter.WritePong(_pending);
                SignalLocked();
            }
        }
    }

    /// <summary>Completes the oldest PING waiter. Returns false for a PONG nobody asked for.</summary>
    public bool OnPong()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (_pingsSent == 0)
            {
                return false;
            }

            _pingsSent--;
            waiter = _pongWaiters.Dequeue();
        }

        waiter?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Points the writer at a socket whose handshake is done. <paramref name="prefix"/> (the re-SUB replay) goes before
    /// everything buffered while disconnected; <paramref name="barrier"/> gets a PING after it.
    /// </summary>
    public void Attach(Socket socket, Action<IBufferWriter<byte>>? prefix, TaskCompletionSource? barrier)
    {
        lock (_lock)
        {
            ThrowIfClosedLocked();
            if (prefix is not null)
            {
                _sending.ResetWrittenCount();
                prefix(_sending);
                _sending.Write(_pending.WrittenSpan);
                (_pending, _sending) = (_sending, _pending);
                _sending.ResetWrittenCount();
            }

            if (barrier is not null)
            {
                NatsProtocolWriter.WritePing(_pending);
                _pongWaiters.Enqueue(barrier);
                _pingsPending++;
            }

            _socket = socket;
            _pingsSent = 0;
            _signaled = false;
            if (_pending.WrittenCount > 0)
            {
                SignalLocked();
            }
        }
    }

    /// <summary>Stops writing to <paramref name="socket"/>; fails the PINGs that went out on it. Call after its loop ended.</summary>
    public void Detach(Socket socket, Exception reason)
    {
        List<TaskCompletionSource?> lost = new();
        TaskCompletionSource? drained;
        lock (_lock)
        {
            if (!ReferenceEquals(_socket, socket))
            {
                return;
            }

            _socket = null;
            _signaled = false;
            for (; _pingsSent > 0; _pingsSent--)
            {
                lost.Add(_pongWaiters.Dequeue());
            }

            drained = _drained;
            _drained = null;
        }

        foreach (var waiter in lost)
        {
            waiter?.TrySetException(new NatsConnectionException("The connection was lost before the server answered the PING.", reason));
        }

        // Waiting publishers re-check: they now fall under the reconnect-buffer rule.
        drained?.TrySetResult();
    }

    /// <summary>Refuses further commands and fails every waiter.</summary>
    public void Close(Exception reason)
    {
        List<TaskCompletionSource?> waiters;
        TaskCompletionSource? drained;
        lock (_lock)
        {
            _closedReason ??= reason;
            waiters = new List<TaskCompletionSource?>(_pongWaiters);
            _pongWaiters.Clear();
            _pingsPending = 0;
            _pingsSent = 0;
            _socket = null;
            drained = _drained;
            _drained = null;
            _signal.Release();
        }

        foreach (var waiter in waiters)
        {
            waiter?.TrySetException(reason);
        }

        drained?.TrySetResult();
    }

    /// <summary>The send loop for one socket; returns when cancelled, throws when the socket fails.</summary>
    public async Task RunAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                ArrayBufferWriter<byte> batch;
                TaskCompletionSource? drained;
                lock (_lock)
                {
                    _signaled = false;
                    if (!ReferenceEquals(_socket, socket))
                    {
                        return;
                    }

                    if (_pending.WrittenCount == 0)
                    {
                        continue;
                    }

                    batch = _pending;
                    _pending = _sending;
                    _sending = batch;
                    _pingsSent += _pingsPending;
                    _pingsPending = 0;
                    drained = _drained;
                    _drained = null;
                }

                // Publishers may refill the other buffer while this one is on the wire.
                drained?.TrySetResult();
                var memory = batch.WrittenMemory;
                while (!memory.IsEmpty)
                {
                    var sent = await socket.SendAsync(memory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    memory = memory[sent..];
                    Interlocked.Add(ref _bytesSent, sent);
                }

                batch.ResetWrittenCount();
            }
        }
        finally
        {
            // Bytes of a failed send are gone with the socket (at-most-once); the buffer must be clean for Attach.
            lock (_lock)
            {
                _sending.ResetWrittenCount();
            }
        }
    }

    private void SignalLocked()
    {
        if (_socket is not null && !_signaled)
        {
            _signaled = true;
            _signal.Release();
        }
    }

    private void ThrowIfClosedLocked()
    {
        if (_closedReason is not null)
        {
            throw new ObjectDisposedException(nameof(NatsConnection), "The NATS connection is closed.");
        }
    }
}
