namespace Consumers.Benchmarks.Fanout;

/// <summary>The shape of the fan-out runs. Every loop of the benchmark is bounded by these counts and times.</summary>
internal sealed record FanoutSettings(
    int Rounds,
    int Rooms,
    int ClientsPerRoom,
    int SendersPerRoom,
    int PayloadBytes,
    int Window,
    TimeSpan SaturatedDuration,
    int PacedRatePerSender,
    TimeSpan PacedDuration,
    int WarmupMessagesPerSender,
    int IdleConnections)
{
    public static FanoutSettings Full { get; } = new(
        Rounds: 3, Rooms: 10, ClientsPerRoom: 20, SendersPerRoom: 2, PayloadBytes: 128, Window: 32,
        SaturatedDuration: TimeSpan.FromSeconds(5), PacedRatePerSender: 100, PacedDuration: TimeSpan.FromSeconds(5),
        WarmupMessagesPerSender: 300, IdleConnections: 2000);

    public static FanoutSettings Quick { get; } = Full with
    {
        Rounds = 1, SaturatedDuration = TimeSpan.FromSeconds(1.5), PacedDuration = TimeSpan.FromSeconds(1.5),
        WarmupMessagesPerSender = 100, IdleConnections = 300,
    };

    /// <summary>When set, the number of messages one sender sends in a saturated run (the warm-up); otherwise a bound of 2,000,000.</summary>
    public int? MaxMessagesPerSenderOverride { get; init; }

    /// <summary>Upper bound on the messages one sender sends in one saturated run.</summary>
    public int MessagesPerSenderLimit => MaxMessagesPerSenderOverride ?? 2_000_000;

    /// <summary>How long a run waits for the last deliveries after the senders stop.</summary>
    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(10);
}
