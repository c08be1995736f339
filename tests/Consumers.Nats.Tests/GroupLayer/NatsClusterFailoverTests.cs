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
        await using var hostA = await NatsHosts.StartAsync(cluster.Nodes[0].Url);
        await using var hostB = await NatsHosts.StartAsync(cluster.Nodes[2].Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/failover"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/failover"));
        await NatsHosts.ProbeUntilReceivedAsync(b, a);
        await WaitForConnectUrlsAsync(hostA.Layer().Connection, 3);

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
        await using var hostA = await NatsHosts.StartAsync(cluster.Nodes[0].Url);
        await using var hostB = await NatsHosts.StartAsync(cluster.Nodes[2].Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/ldm"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/ldm"));
        await NatsHosts.ProbeUntilReceivedAsync(b, a);
        await WaitForConnectUrlsAsync(hostA.Layer().Connection, 3);
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

    private static Task WaitForConnectUrlsAsync(INatsConnection connection, int count)
        => Eventually.WaitUntilAsync(() => connection.ServerInfo?.ClientConnectUrls?.Length >= count, WaitLimit);
}
