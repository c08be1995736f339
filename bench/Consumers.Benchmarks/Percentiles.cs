namespace Consumers.Benchmarks;

/// <summary>Order statistics of repeated measurements (nearest-rank, so every figure is a measured value).</summary>
internal static class Percentiles
{
    public static double Median(IEnumerable<double> values) => Of(values.ToArray(), 50);

    /// <summary>
    /// A ratio measured once per round, as a report shows it: the median, and with several rounds their range,
    /// <c>0.94 (0.91–0.97)</c>; "not measured" with none.
    /// </summary>
    public static string MedianWithRange(IReadOnlyList<double> ratios) => ratios.Count switch
    {
        0 => "not measured",
        1 => ratios[0].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Median(ratios):0.00} ({ratios.Min():0.00}–{ratios.Max():0.00})"),
    };

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
