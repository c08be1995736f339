namespace Consumers.Benchmarks.Fanout;

/// <summary>The shape of the fan-out runs. Every loop of the benchmark is bounded by these counts and times.</summary>
internal sealed record FanoutSettings(
    int Rounds,
    int Rooms,
    int ClientsPerRoom,
    int SendersPerRoom,
    IReadOnlyList<FanoutLoad> Loads,
    TimeSpan SaturatedDuration,
    TimeSpan PacedDuration,
    TimeSpan WarmupDuration,
    int IdleConnections)
{
    /// <summary>The four loads of issue 10's table.</summary>
    public static IReadOnlyList<FanoutLoad> IssueLoads { get; } =
    [
        FanoutLoad.Saturated(window: 100, payloadBytes: 64),
        FanoutLoad.Saturated(window: 32, payloadBytes: 128),
        FanoutLoad.PacedAt(ratePerSender: 200, payloadBytes: 64),
        FanoutLoad.PacedAt(ratePerSender: 200, payloadBytes: 128),
    ];

    // 3 rounds × 4 loads × 4 targets runs of about 3 s set-up + the measured time, plus 3 × 3 idle runs: about 12 minutes.
    public static FanoutSettings Full { get; } = new(
        Rounds: 3, Rooms: 10, ClientsPerRoom: 20, SendersPerRoom: 2, Loads: IssueLoads,
        SaturatedDuration: TimeSpan.FromSeconds(6), PacedDuration: TimeSpan.FromSeconds(6),
        WarmupDuration: TimeSpan.FromSeconds(4), IdleConnections: 2000);

    public static FanoutSettings Quick { get; } = Full with
    {
        Rounds = 1, SaturatedDuration = TimeSpan.FromSeconds(1.5), PacedDuration = TimeSpan.FromSeconds(1.5),
        WarmupDuration = TimeSpan.FromSeconds(1), IdleConnections = 300,
    };

    /// <summary>When set, the number of messages one sender sends in a saturated run (the warm-up); otherwise a bound of 2,000,000.</summary>
    public int? MaxMessagesPerSenderOverride { get; init; }

    /// <summary>Upper bound on the messages one sender sends in one saturated run.</summary>
    public int MessagesPerSenderLimit => MaxMessagesPerSenderOverride ?? 2_000_000;

    /// <summary>The servers to run (all of them but the resume clients, which <c>build/bench.sh resume</c> runs, unless <c>--targets</c> names some, for profiling).</summary>
    public IReadOnlyList<FanoutTarget> Targets { get; init; } = [.. Enum.GetValues<FanoutTarget>().Where(t => t is not (FanoutTarget.ConsumersResume or FanoutTarget.ConsumersResumeSparseAcks))];

    /// <summary>With <c>--pin</c>, the cores of the servers and of the load tool; null when they share all cores.</summary>
    public CorePinning? Pinning { get; init; }

    /// <summary>Whether the idle-connection runs are part of the run.</summary>
    public bool Idle { get; init; } = true;

    /// <summary>For a paced load, how long the warm-up also runs at the measured pace (after the saturated part).</summary>
    public TimeSpan PacedWarmupDuration => WarmupDuration / 2;

    /// <summary>How long a run waits at most, after the warm-up, for the server to idle (its background JIT done).</summary>
    public TimeSpan SettleTimeout => TimeSpan.FromSeconds(10);

    /// <summary>How long a run waits for the last deliveries after the senders stop.</summary>
    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(10);

    /// <summary>
    /// These settings narrowed by the command line: <c>--loads TEXT</c> keeps the loads whose name contains TEXT,
    /// <c>--rounds N</c> sets the rounds. Null, with <paramref name="error"/>, when <c>--loads</c> matches no load.
    /// </summary>
    public FanoutSettings? WithLoadsAndRounds(string[] args, out string? error)
    {
        error = null;
        var settings = this;
        var loadsIndex = Array.IndexOf(args, "--loads");
        if (loadsIndex >= 0 && loadsIndex + 1 < args.Length)
        {
            settings = settings with { Loads = [.. settings.Loads.Where(l => l.Name.Contains(args[loadsIndex + 1], StringComparison.OrdinalIgnoreCase))] };
            if (settings.Loads.Count == 0)
            {
                error = $"--loads '{args[loadsIndex + 1]}' matches none of: {string.Join("; ", IssueLoads.Select(l => l.Name))}";
                return null;
            }
        }

        var roundsIndex = Array.IndexOf(args, "--rounds");
        if (roundsIndex >= 0 && roundsIndex + 1 < args.Length && int.TryParse(args[roundsIndex + 1], System.Globalization.CultureInfo.InvariantCulture, out var rounds) && rounds > 0)
        {
            settings = settings with { Rounds = rounds };
        }

        return settings;
    }
}
