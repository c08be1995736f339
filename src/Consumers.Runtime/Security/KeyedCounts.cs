using System.Collections.Concurrent;

namespace Consumers.Security;

/// <summary>
/// Counts per key (a user, a client address) that never go past a limit, for the node-wide limits of
/// <see cref="ConnectionLimiter"/> and <see cref="SubscriptionLimiter"/>. Lock-free; a key whose count drops to zero is
/// removed, so the table never keeps users or addresses that left.
/// </summary>
internal sealed class KeyedCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The count of <paramref name="key"/> (zero when absent).</summary>
    public int this[string key] => _counts.GetValueOrDefault(key);

    /// <summary>Adds one to <paramref name="key"/>'s count unless it is at <paramref name="limit"/> already (zero or less: no limit).</summary>
    public bool TryIncrement(string key, int limit)
    {
        while (true)
        {
            var current = _counts.GetValueOrDefault(key);
            if (limit > 0 && current >= limit)
            {
                return false;
            }

            if (current == 0 ? _counts.TryAdd(key, 1) : _counts.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }

    /// <summary>Takes <paramref name="count"/> (at least one) from <paramref name="key"/>'s count, never below zero.</summary>
    public void Decrement(string key, int count = 1)
    {
        while (true)
        {
            var current = _counts.GetValueOrDefault(key);
            if (current <= count)
            {
                // Remove only if nobody raced in.
                if (current == 0 || _counts.TryRemove(new KeyValuePair<string, int>(key, current)))
                {
                    return;
                }
            }
            else if (_counts.TryUpdate(key, current - count, current))
            {
                return;
            }
        }
    }
}
