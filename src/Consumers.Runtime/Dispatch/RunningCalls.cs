namespace Consumers.Dispatch;

/// <summary>
/// The concurrent actions and streams running on one connection: the caps (<c>MaxConcurrentActionsPerConnection</c>,
/// <c>MaxConcurrentStreamsPerConnection</c>) and, for <c>$cancel</c>, the running calls of each consumer by their
/// <c>request_id</c>. Ordered actions never come here. Thread-safe: calls start on the connection's dispatching thread,
/// end on any thread, and <c>$cancel</c> arrives on the reader's.
/// </summary>
/// <remarks>Nothing is allocated until the first concurrent action or stream of the connection.</remarks>
internal sealed class RunningCalls
{
    private readonly int _maxConcurrent;
    private readonly int _maxStreams;
    private readonly Lock _lock = new();
    private SemaphoreSlim? _slots;
    private int _streams;
    private Dictionary<(IReplySink Consumer, string RequestId), DetachedCall>? _byRequestId;
    private int _running;
    private TaskCompletionSource? _ended;

    /// <param name="maxConcurrent">Concurrent actions that may run at once; one more waits.</param>
    /// <param name="maxStreams">Streams that may run at once; one more is refused.</param>
    public RunningCalls(int maxConcurrent, int maxStreams)
    {
        _maxConcurrent = maxConcurrent;
        _maxStreams = maxStreams;
    }

    /// <summary>Streams that may run at once on the connection.</summary>
    public int MaxStreams => _maxStreams;

    /// <summary>Waits for a concurrent action's slot: completes at once below the cap, else when a running one ends.</summary>
    /// <param name="cancellationToken">The connection's token: a connection that ends stops waiting.</param>
    /// <exception cref="OperationCanceledException">The connection ended while waiting.</exception>
    public ValueTask EnterConcurrentAsync(CancellationToken cancellationToken)
    {
        var slots = Volatile.Read(ref _slots);
        if (slots is null)
        {
            Interlocked.CompareExchange(ref _slots, new SemaphoreSlim(_maxConcurrent, _maxConcurrent), null);
            slots = _slots;
        }

        return slots.Wait(0, CancellationToken.None) ? ValueTask.CompletedTask : new ValueTask(slots.WaitAsync(cancellationToken));
    }

    /// <summary>Takes a stream's place; false at the cap (the caller answers 429).</summary>
    public bool TryEnterStream()
    {
        if (Interlocked.Increment(ref _streams) <= _maxStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref _streams);
        return false;
    }

    /// <summary>
    /// Records a call under its consumer and <c>request_id</c> (the raw JSON token) so that <c>$cancel</c> finds it;
    /// false when a call of the consumer with that id is still running. A call without a request id is not recorded.
    /// </summary>
    public bool TryAdd(DetachedCall call)
    {
        if (call.RequestId is { } requestId)
        {
            lock (_lock)
            {
                if (!(_byRequestId ??= []).TryAdd((call.Consumer, requestId), call))
                {
                    return false;
                }
            }
        }

        Interlocked.Increment(ref _running);
        return true;
    }

    /// <summary>A call has ended: it leaves the records and gives its slot or place back (once; later calls do nothing).</summary>
    public void Remove(DetachedCall call)
    {
        if (!call.TryEnd())
        {
            return;
        }

        if (call.RequestId is { } requestId)
        {
            lock (_lock)
            {
                if (_byRequestId is { } calls && calls.TryGetValue((call.Consumer, requestId), out var recorded) && recorded == call)
                {
                    calls.Remove((call.Consumer, requestId));
                }
            }
        }

        Release(call);
        if (Interlocked.Decrement(ref _running) == 0)
        {
            Volatile.Read(ref _ended)?.TrySetResult();
        }
    }

    /// <summary>
    /// After the connection has ended (every call's token is cancelled): waits until the running calls have finished, at
    /// most <paramref name="timeout"/>, so that the consumer's disconnect hook and the disposal of the connection's DI
    /// scope come after them, as Channels runs <c>disconnect</c> after the consumer's handlers.
    /// </summary>
    /// <returns>Whether every call finished within the timeout.</returns>
    public async Task<bool> WaitForEndAsync(TimeSpan timeout)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _ended, ended);
        if (Volatile.Read(ref _running) == 0)
        {
            return true;
        }

        try
        {
            await ended.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Gives a call's slot (or stream place) back without touching the records: a call that was never recorded.</summary>
    public void Release(DetachedCall call)
    {
        if (call.IsStream)
        {
            Interlocked.Decrement(ref _streams);
        }
        else
        {
            _slots!.Release();
        }
    }

    /// <summary>Cancels the running call of <paramref name="consumer"/> with this <c>request_id</c>; false when there is none.</summary>
    /// <param name="consumer">The consumer the <c>$cancel</c> was sent to (its reply sink).</param>
    /// <param name="requestId">The request id as a raw JSON token.</param>
    public bool TryCancel(IReplySink consumer, string requestId)
    {
        DetachedCall? call;
        lock (_lock)
        {
            if (_byRequestId is null || !_byRequestId.TryGetValue((consumer, requestId), out call))
            {
                return false;
            }
        }

        return call.Cancel();
    }
}
