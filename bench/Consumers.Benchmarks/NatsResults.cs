namespace Consumers.Benchmarks;

/// <summary>Everything one run of the <c>nats</c> benchmark measured.</summary>
internal sealed class NatsResults
{
    public required MachineDescription Machine { get; init; }

    public required NatsBenchmarkSettings Settings { get; init; }

    public List<PublishThroughput> PubSub { get; } = [];

    public List<PublishThroughput> PublishOnly { get; } = [];

    public List<RequestLatency> Latency { get; } = [];

    public List<GroupSendTrial> GroupSend { get; } = [];

    public int SlowConsumerReports { get; set; }
}
