namespace Consumers.Benchmarks;

/// <summary>Sizes of the <c>nats</c> benchmark. Every loop is bounded by a count and by a time limit.</summary>
internal sealed record NatsBenchmarkSettings
{
    public static readonly NatsBenchmarkSettings Full = new();

    /// <summary>Enough to check that everything runs; the figures are not meant to be compared.</summary>
    public static readonly NatsBenchmarkSettings Quick = new()
    {
        IsQuick = true,
        WarmUpRounds = 1,
        ThroughputMessages = new Dictionary<int, int> { [64] = 100_000, [1024] = 40_000 },
        ThroughputRepetitions = 2,
        LatencyWarmUp = 200,
        LatencyRoundTrips = 1_000,
        GroupClients = 10,
        GroupMessages = 2_000,
        GroupRounds = 1,
    };

    public bool IsQuick { get; init; }

    /// <summary>
    /// Unrecorded repetitions (throughput) and rounds (group send) run first. The first full run showed every case
    /// climbing for 2-3 repetitions (tier-0 code until tiered compilation and PGO have promoted the hot paths; on 2
    /// busy cores the background JIT is slow), so without them the medians mix start-up and steady state.
    /// </summary>
    public int WarmUpRounds { get; init; } = 2;

    public int[] PayloadSizes { get; init; } = [64, 1024];

    /// <summary>Messages per throughput repetition, by payload size: a second or more of work at the expected rate.</summary>
    public IReadOnlyDictionary<int, int> ThroughputMessages { get; init; } = new Dictionary<int, int> { [64] = 1_000_000, [1024] = 300_000 };

    public int ThroughputRepetitions { get; init; } = 5;

    public TimeSpan ThroughputTimeLimit { get; init; } = TimeSpan.FromSeconds(20);

    public int LatencyWarmUp { get; init; } = 1_000;

    public int LatencyRoundTrips { get; init; } = 5_000;

    public TimeSpan LatencyTimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    public int GroupClients { get; init; } = 20;

    public int GroupMessages { get; init; } = 50_000;

    public int GroupRounds { get; init; } = 5;

    /// <summary>Sender's lead over the slowest client, in messages (the runtime's send queue holds 1,024 frames).</summary>
    public int GroupWindow { get; init; } = 512;

    public TimeSpan GroupTimeLimit { get; init; } = TimeSpan.FromSeconds(60);
}
