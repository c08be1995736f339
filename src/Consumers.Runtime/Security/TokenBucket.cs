using System.Diagnostics;

namespace Consumers.Security;

/// <summary>
/// The per-connection message rate limit: a token bucket of <c>burst</c> tokens refilled at <c>rate</c> per
/// second (the algorithm of DRF's throttles without their per-user cache), plus a count of throttled messages in
/// fixed 10-second windows to tell a burst from sustained abuse. Used by the connection's reader only: not thread-safe.
/// </summary>
/// <remarks>
/// The bucket measures the client, not the server: while the server stops reading (the connection's read-ahead is full
/// because its actions are slow), what the client sends waits in TCP and would be read later as one burst. The reader
/// then grants the tokens the stall was worth (<see cref="CreditStall"/>), spent only on that backlog: the credit ends
/// when the reader has caught up with the socket (<see cref="EndCredit"/>).
/// </remarks>
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
    private double _credit;

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
        // The backlog of a stall spends its credit first: the bucket's own tokens stay for what the client sends next.
        if (_credit >= 1)
        {
            _credit -= 1;
            return true;
        }

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

    /// <summary>
    /// The reader did not read for <paramref name="stalledTicks"/> (<see cref="Stopwatch"/> ticks) because the server was
    /// busy: the messages the client sent meanwhile at up to the rate are not charged when they are read.
    /// </summary>
    public void CreditStall(long stalledTicks) => _credit += stalledTicks * _ratePerTick;

    /// <summary>The reader has caught up with the socket: credit for a backlog that is gone ends.</summary>
    public void EndCredit() => _credit = 0;
}
