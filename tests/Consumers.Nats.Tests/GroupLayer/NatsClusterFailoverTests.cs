using System.Diagnostics;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>App nodes on a 3-node nats-server cluster: a node whose server dies or goes lame-duck moves to another and keeps its groups.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsClusterFailoverTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    [Test]
    public async Task SeededWithOneServer_WhenItDies_TheNodeFailsOverToAServerLearnedFromTheCluster_AndKeepsItsGroups()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var nodes = await TwoNodes.StartAsync(cluster, "failover");
        var (hostA, a, b) = (nodes.HostA, nodes.A, nodes.B);

        await cluster.Nodes[0].KillAsync();

        // A reconnects to n2 or n3 (it was only told about n1) and re-subscribes its group there.
        var text = await NatsHosts.ProbeUntilReceivedAsync(b, a);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("probe"));
            Assert.That(hostA.Layer().Connection.ConnectionState, Is.EqualTo(NatsConnectionState.Open));
            Assert.That(hostA.Layer().Connection.ServerInfo!.Port, Is.AnyOf(cluster.Nodes[1].Port, cluster.Nodes[2].Port));
        });
    }

    [Test]
    public async Task LameDuckServer_MovesTheNodeToAnotherServer_AndGroupMessagesStillFlow()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var nodes = await TwoNodes.StartAsync(cluster, "ldm");
        var (hostA, a, b) = (nodes.HostA, nodes.A, nodes.B);
        var lameDuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hostA.Layer().Connection.LameDuckModeActivated += (_, _) =>
        {
            lameDuck.TrySetResult();
            return ValueTask.CompletedTask;
        };

        // Lame-duck mode sends INFO {"ldm":true} at once and closes clients only over its (>= 30 s) duration.
        using (var signal = Process.Start("nats-server", $"--signal ldm={cluster.Nodes[0].Pid}"))
        {
            await signal.WaitForExitAsync().WaitAsync(WaitLimit);
        }

        await lameDuck.Task.WaitAsync(WaitLimit);
        await Eventually.WaitUntilAsync(
            () => hostA.Layer().Connection is { ConnectionState: NatsConnectionState.Open, ServerInfo: { } info } && info.Port != cluster.Nodes[0].Port,
            WaitLimit);
        var text = await NatsHosts.ProbeUntilReceivedAsync(b, a);
        Assert.That(text, Does.StartWith("probe"));
    }

    /// <summary>
    /// App node A on the cluster's first server (its only seed), B on the third, a client in the same room on each;
    /// ready once a message crosses and A has learnt all three servers.
    /// </summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly TestHost _hostB;

        private TwoNodes(TestHost hostA, TestHost hostB, TestClient a, TestClient b)
        {
            HostA = hostA;
            _hostB = hostB;
            A = a;
            B = b;
        }

        public TestHost HostA { get; }

        public TestClient A { get; }

        public TestClient B { get; }

        public static async Task<TwoNodes> StartAsync(NatsCluster cluster, string room)
        {
            var hostA = await NatsHosts.StartAsync(cluster.Nodes[0].Url);
            var hostB = await NatsHosts.StartAsync(cluster.Nodes[2].Url);
            var nodes = new TwoNodes(
                hostA,
                hostB,
                await TestClient.ConnectAsync(hostA.WebSocketUri($"/ws/rooms/{room}")),
                await TestClient.ConnectAsync(hostB.WebSocketUri($"/ws/rooms/{room}")));
            await NatsHosts.ProbeUntilReceivedAsync(nodes.B, nodes.A);
            await Eventually.WaitUntilAsync(() => hostA.Layer().Connection.ServerInfo?.ClientConnectUrls?.Length >= 3, WaitLimit);
            return nodes;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await HostA.DisposeAsync();
            await _hostB.DisposeAsync();
        }
    }
}
