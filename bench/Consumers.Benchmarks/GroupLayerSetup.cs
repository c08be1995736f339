namespace Consumers.Benchmarks;

/// <summary>The configurations the group-send benchmark compares within one run.</summary>
internal enum GroupLayerSetup
{
    /// <summary>The in-memory layer on one app node: the baseline.</summary>
    InMemory,

    /// <summary>The runtime's NATS layer on its hand-written client, one app node: local delivery plus one publish per send that nobody receives.</summary>
    NatsOneNode,

    /// <summary>The runtime's NATS layer on its hand-written client, two app nodes; clients split evenly, the sender on the first node.</summary>
    NatsTwoNodes,

    /// <summary>Consumers.Nats (NATS.Client.Core, JetStream replay on), one app node.</summary>
    NatsCoreOneNode,

    /// <summary>Consumers.Nats (NATS.Client.Core, JetStream replay on), two app nodes.</summary>
    NatsCoreTwoNodes,

    /// <summary>Consumers.Nats with <c>JetStream = false</c> (core NATS only), two app nodes: what the stream costs.</summary>
    NatsCoreTwoNodesNoJetStream,
}
