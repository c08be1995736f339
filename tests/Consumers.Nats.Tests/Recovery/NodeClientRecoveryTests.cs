using Consumers.Tests.Node;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// The generated JavaScript client's recovery in Node (tests/js/drive-recover.mjs) against two app nodes over a real
/// nats-server with JetStream: cut on node A, its next socket lands on node B, the state goes "recovered" and every
/// line arrives once and in order.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NodeClientRecoveryTests
{
    [Test]
    public async Task NodeScript_RecoversOnTheOtherNode_WithEveryLineOnceInOrder()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync();
        await using var hostB = await nodes.StartNodeAsync();

        var (code, output) = await NodeScripts.RunAsync("drive-recover.mjs", hostA.BaseUri.ToString().TrimEnd('/'), hostB.BaseUri.ToString().TrimEnd('/'));

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: recovered on the other node, every line once in order"));
    }
}
