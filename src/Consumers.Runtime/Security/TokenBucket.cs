using System.Diagnostics;

namespace Consumers.Security;

/// <summary>
/// The per-connection message rate limit: a token bucket of <c>burst</c> tokens refilled at <c>rate</c> per
/// second (the algorithm of DRF's throttles without their per-user cache), plus a count of throttled messages in
/// fixed 10-second windows to tell a burst from sustained abuse. Used by the connection's reader only: not thread-safe.
/// </summary>
internal sealed class TokenBucket
{
    private static readonly long s_window = Stopwatch.Frequency * 10;

    private readonly double _ratePerTick;
    private readonly double _burst;
    private readonly int _abuseThreshold;
    private double _tokens;
    private long _last;
    private long _windowStart;
    private int _throttledInWindow;

    /// <param name="ratePerSecond">Tokens added per second.</param>
    /// <param name="burst">Bucket size: messages accepted back to back after a quiet period.</param>
    /// <param name="abuseThreshold">Throttled messages within 10 seconds that count as abuse; 0: never.</param>
    public TokenBucket(double ratePerSecond, int burst, int abuseThreshold)
    {
        _ratePerTick = ratePerSecond / Stopwatch.Frequency;
        _burst = Math.Max(1, burst);
        _abuseThreshold = abuseThreshold;
        _tokens = _burst;
        _last = _windowStart = Stopwatch.GetTimestamp();
    }

    /// <summary>Takes a token for one message.</summary>
    /// <param name="abusive">Set when this throttled message crosses the abuse threshold.</param>
    /// <returns><see langword="false"/> when the message is throttled.</returns>
    public bool TryTake(out bool abusive)
    {
        abusive = false;
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + ((now - _last) * _ratePerTick));
        _last = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        if (now - _windowStart >= s_window)
        {
            _windowStart = now;
            _throttledInWindow = 0;
        }

        _throttledInWindow++;
        abusive = _abuseThreshold > 0 && _throttledInWindow > _abuseThreshold;
        return false;
    }
}
