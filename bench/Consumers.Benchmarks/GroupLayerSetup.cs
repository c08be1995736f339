namespace Consumers.Benchmarks;

/// <summary>The configurations the group-send benchmark compares within one run.</summary>
internal enum GroupLayerSetup
{
    /// <summary>The in-memory layer on one app node: the baseline.</summary>
    InMemory,

    /// <summary>Consumers.Nats (JetStream replay on), one app node: local delivery plus one publish per send that no node receives.</summary>
    NatsOneNode,

    /// <summary>Consumers.Nats (JetStream replay on), two app nodes; clients split evenly, the sender on the first node.</summary>
    NatsTwoNodes,

    /// <summary>Consumers.Nats with <c>JetStream = false</c> (core NATS only), two app nodes: what the stream costs.</summary>
    NatsTwoNodesNoJetStream,
}
