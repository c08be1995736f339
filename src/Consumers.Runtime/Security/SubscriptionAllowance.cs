namespace Consumers.Security;

/// <summary>
/// What one connection holds of its user's subscription limit (<see cref="SubscriptionLimiter"/>): taken one by one
/// as its consumers subscribe, given back as they unsubscribe, and all of it when the connection ends
/// (<see cref="Dispose"/>, after which taking fails and giving back does nothing).
/// </summary>
internal sealed class SubscriptionAllowance(SubscriptionLimiter limiter, string userId) : IDisposable
{
    private readonly Lock _lock = new();
    private int _held;
    private bool _disposed;

    /// <summary>The user's limit (zero or less: none).</summary>
    public int Max => limiter.Max;

    /// <summary>Takes one subscription of the user's limit; false when the user holds the limit already.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (_disposed || !limiter.TryTake(userId))
            {
                return false;
            }

            _held++;
            return true;
        }
    }

    /// <summary>Gives back <paramref name="count"/> subscriptions this connection took.</summary>
    public void Return(int count)
    {
        lock (_lock)
        {
            count = Math.Min(count, _held);
            if (_disposed || count <= 0)
            {
                return;
            }

            _held -= count;
            limiter.Return(userId, count);
        }
    }

    /// <summary>The connection ended: gives back everything it held.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_held > 0)
            {
                limiter.Return(userId, _held);
                _held = 0;
            }
        }
    }
}
