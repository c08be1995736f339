namespace Consumers.Benchmarks;

/// <summary>Order statistics of repeated measurements (nearest-rank, so every figure is a measured value).</summary>
internal static class Percentiles
{
    public static double Median(IEnumerable<double> values) => Of(values.ToArray(), 50);

    /// <summary>The <paramref name="percent"/>-th percentile by nearest rank; NaN for no values.</summary>
    public static double Of(double[] values, double percent)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
