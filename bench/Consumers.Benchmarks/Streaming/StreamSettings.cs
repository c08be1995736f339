using System.Globalization;

namespace Consumers.Benchmarks.Streaming;

/// <summary>The shape of the stream benchmark's runs. Every loop of it is bounded by these counts and times.</summary>
/// <param name="Rounds">Rounds; within one the targets alternate per load, and the order rotates from round to round.</param>
/// <param name="Items">Items of one call (split over the streams of a load with several).</param>
/// <param name="Loads">The streaming loads.</param>
/// <param name="WarmupDuration">Calls back to back before the measured part, so that the server's JIT has tiered up what the load runs.</param>
/// <param name="MeasuredDuration">Calls back to back for at least this long (the last one finishes).</param>
/// <param name="SlowDuration">How long the slow concurrent action of the latency runs takes.</param>
/// <param name="LatencyRequests">Quick requests on the busy connection (and as many on the idle one) per latency run.</param>
internal sealed record StreamSettings(
    int Rounds,
    int Items,
    IReadOnlyList<StreamLoad> Loads,
    TimeSpan WarmupDuration,
    TimeSpan MeasuredDuration,
    TimeSpan SlowDuration,
    int LatencyRequests)
{
    // 3 rounds × (4 loads × 3 targets runs of about 12 s, + 2 latency runs of about 14 s): about 9 minutes.
    public static StreamSettings Full { get; } = new(
        Rounds: 3, Items: 100_000, Loads: StreamLoad.IssueLoads,
        WarmupDuration: TimeSpan.FromSeconds(3), MeasuredDuration: TimeSpan.FromSeconds(5),
        SlowDuration: TimeSpan.FromSeconds(10), LatencyRequests: 200);

    public static StreamSettings Quick { get; } = Full with
    {
        Rounds = 1, Items = 20_000, WarmupDuration = TimeSpan.FromSeconds(1), MeasuredDuration = TimeSpan.FromSeconds(1.5),
        SlowDuration = TimeSpan.FromSeconds(2), LatencyRequests = 100, IsQuick = true,
    };

    /// <summary>Whether this is the short run that checks the benchmark works (<c>--quick</c>): its figures are not results.</summary>
    public bool IsQuick { get; init; }

    /// <summary>The servers to run (all of them unless <c>--targets</c> names some).</summary>
    public IReadOnlyList<StreamTarget> Targets { get; init; } = Enum.GetValues<StreamTarget>();

    /// <summary>Whether the concurrent-action latency runs are part of the run.</summary>
    public bool Latency { get; init; } = true;

    /// <summary>SignalR's <c>MaximumParallelInvocationsPerClient</c> in the latency runs (Consumers' default <c>MaxConcurrentActionsPerConnection</c>).</summary>
    public int SignalRParallelInvocations => 4;

    /// <summary>How long a run waits at most, after the warm-up, for the server to idle (its background JIT done).</summary>
    public TimeSpan SettleTimeout => TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take before the run counts it as failed.</summary>
    public TimeSpan CallTimeout => TimeSpan.FromSeconds(60);

    /// <summary>
    /// The settings of <c>stream [--quick] [--items N] [--rounds N] [--loads TEXT] [--targets A,B] [--no-latency]</c>;
    /// null with <paramref name="error"/> for arguments it refuses.
    /// </summary>
    public static StreamSettings? FromArguments(string[] args, out string? error)
    {
        error = null;
        var settings = args.Contains("--quick") ? Quick : Full;
        if (Value(args, "--items") is { } items)
        {
            if (!int.TryParse(items, CultureInfo.InvariantCulture, out var n) || n < 10)
            {
                error = $"--items: '{items}' is not a whole number of at least 10";
                return null;
            }

            settings = settings with { Items = n };
        }

        if (Value(args, "--rounds") is { } rounds)
        {
            if (!int.TryParse(rounds, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = $"--rounds: '{rounds}' is not a whole number of at least 1";
                return null;
            }

            settings = settings with { Rounds = n };
        }

        if (Value(args, "--loads") is { } loads)
        {
            settings = settings with { Loads = [.. settings.Loads.Where(l => l.Name.Contains(loads, StringComparison.OrdinalIgnoreCase))] };
            if (settings.Loads.Count == 0)
            {
                error = $"--loads '{loads}' matches none of: {string.Join("; ", StreamLoad.IssueLoads.Select(l => l.Name))}";
                return null;
            }
        }

        if (Value(args, "--targets") is { } targets)
        {
            var chosen = new List<StreamTarget>();
            foreach (var name in targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<StreamTarget>(name, ignoreCase: true, out var target))
                {
                    error = $"--targets: '{name}' is none of: {string.Join(", ", Enum.GetNames<StreamTarget>())}";
                    return null;
                }

                chosen.Add(target);
            }

            settings = settings with { Targets = chosen };
        }

        return args.Contains("--no-latency") ? settings with { Latency = false } : settings;
    }

    private static string? Value(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
