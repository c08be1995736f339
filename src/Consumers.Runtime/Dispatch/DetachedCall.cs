namespace Consumers.Dispatch;

/// <summary>
/// One concurrent action or stream while it runs: its consumer, its <c>request_id</c>, and its cancellation, which
/// <c>$cancel</c> or the end of the connection triggers. Observer subscriptions the call makes belong to it: they become
/// active when its reply (a stream's first frame) is sent.
/// </summary>
internal sealed class DetachedCall : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private int _cancelledByClient;
    private int _ended;

    /// <param name="consumer">The consumer's reply sink (its channel).</param>
    /// <param name="requestId">The request id as a raw JSON token, or null when the request had none.</param>
    /// <param name="isStream">Whether the call streams its results.</param>
    /// <param name="connectionAborted">The connection's token: the call is cancelled with it.</param>
    public DetachedCall(IReplySink consumer, string? requestId, bool isStream, CancellationToken connectionAborted)
    {
        Consumer = consumer;
        RequestId = requestId;
        IsStream = isStream;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(connectionAborted);
    }

    /// <summary>The consumer's reply sink.</summary>
    public IReplySink Consumer { get; }

    /// <summary>The request id as a raw JSON token, or null.</summary>
    public string? RequestId { get; }

    /// <summary>Whether the call streams its results.</summary>
    public bool IsStream { get; }

    /// <summary>Cancelled by <c>$cancel</c> or when the connection ends.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether <c>$cancel</c> cancelled the call (the connection may still be open).</summary>
    public bool CancelledByClient => Volatile.Read(ref _cancelledByClient) != 0;

    /// <summary>Cancels the call for <c>$cancel</c>; false when it was cancelled already.</summary>
    public bool Cancel()
    {
        if (Interlocked.Exchange(ref _cancelledByClient, 1) != 0)
        {
            return false;
        }

        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }

        return true;
    }

    /// <summary>Marks the call ended; true the first time only (its slot is given back once).</summary>
    public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    public void Dispose() => _cancellation.Dispose();
}
