namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Delivery latencies in whole microseconds up to 10 s (one counter per microsecond, the last one for everything
/// above), shared by every client's receive loop; recording is one interlocked increment.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 10_000_001;
    private readonly int[] _counts = new int[Buckets];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long microseconds)
    {
        Interlocked.Increment(ref _counts[Math.Clamp(microseconds, 0, Buckets - 1)]);
        Interlocked.Increment(ref _total);
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>The nearest-rank percentile in microseconds; NaN with no samples.</summary>
    public double Percentile(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percent / 100 * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return i;
            }
        }

        return Buckets - 1;
    }
}
