namespace Consumers.Benchmarks;

/// <summary>The NATS clients the <c>nats</c> benchmark compares.</summary>
internal enum NatsClientKind
{
    /// <summary>The core-protocol client the runtime carried until issue 11 (src/Consumers.Runtime/Groups/Nats/Client).</summary>
    HandWritten,

    /// <summary>NATS.Client.Core 3.3.2, which the Consumers.Nats package uses.</summary>
    NatsClientCore,
}
