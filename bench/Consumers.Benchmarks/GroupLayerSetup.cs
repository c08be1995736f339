namespace Consumers.Benchmarks;

/// <summary>The three configurations the group-send benchmark compares within one run.</summary>
internal enum GroupLayerSetup
{
    /// <summary>The in-memory layer on one app node: the baseline.</summary>
    InMemory,

    /// <summary>The NATS layer on one app node: local delivery plus one publish per send that nobody receives.</summary>
    NatsOneNode,

    /// <summary>The NATS layer on two app nodes; clients split evenly, the sender on the first node.</summary>
    NatsTwoNodes,
}
