using System.Diagnostics;
using Consumers.Groups.Nats.Client;
using static Consumers.Nats.Tests.NatsTestClient;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsClusterTests
{
    [Test]
    public async Task ClientsOnDifferentNodes_ExchangeMessages_OnceInterestHasPropagated()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var a = await ConnectAsync(cluster.Nodes[0].Url);
        await using var b = await ConnectAsync(cluster.Nodes[1].Url);
        await using var inboxA = await a.SubscribeAsync("node.a");
        await using var inboxB = await b.SubscribeAsync("node.b");
        await a.FlushAsync();
        await b.FlushAsync();

        // Interest crosses routes asynchronously: a publish right after SUB+PONG can be lost, so probe first.
        await ProbeUntilDeliveredAsync(b, "node.a", inboxA);
        await ProbeUntilDeliveredAsync(a, "node.b", inboxB);

        for (var i = 0; i < 20; i++)
        {
            await a.PublishAsync("node.b", Bytes($"a{i}"));
            await b.PublishAsync("node.a", Bytes($"b{i}"));
        }

        var atB = new List<string>();
        var atA = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            atB.Add(await ReceiveSkippingProbesAsync(inboxB));
            atA.Add(await ReceiveSkippingProbesAsync(inboxA));
        }

        Assert.Multiple(() =>
        {
            Assert.That(atB, Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"a{i}")), "ordered per publishing connection");
            Assert.That(atA, Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"b{i}")));
        });
    }

    [Test]
    public async Task Info_AdvertisesTheOtherNodes_AsConnectUrls()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var connection = await ConnectAsync(cluster.Nodes[0].Url);
        await WaitUntilAsync(() => connection.ServerInfo!.ConnectUrls.Count == 3, "INFO lists all three nodes");
        Assert.That(connection.ServerInfo!.ConnectUrls, Is.EquivalentTo(cluster.Nodes.Select(n => $"127.0.0.1:{n.Port}")));
    }

    [Test]
    public async Task SeededWithOneNode_WhenItDies_FailsOverToANodeLearnedFromConnectUrls()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var connection = await ConnectAsync(cluster.Nodes[0].Url);
        await using var other = await ConnectAsync(cluster.Nodes[2].Url);
        await WaitUntilAsync(() => connection.ServerInfo!.ConnectUrls.Count == 3, "INFO lists all three nodes");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnected += (_, _) => reconnected.TrySetResult();
        await using var subscription = await connection.SubscribeAsync("failover");
        await connection.FlushAsync();

        await cluster.Nodes[0].KillAsync();
        await reconnected.Task.WaitAsync(WaitLimit);
        await ProbeUntilDeliveredAsync(other, "failover", subscription);

        Assert.That(connection.ConnectedServer!.Port, Is.AnyOf(cluster.Nodes[1].Port, cluster.Nodes[2].Port));
    }

    [Test]
    public async Task LameDuckInfo_MovesTheClientToAnotherNode()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await using var connection = await ConnectAsync(cluster.Nodes[0].Url);
        await WaitUntilAsync(() => connection.ServerInfo!.ConnectUrls.Count == 3, "INFO lists all three nodes");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnected += (_, _) => reconnected.TrySetResult();

        // Lame-duck mode sends INFO {"ldm":true} at once and closes clients only over its (>= 30 s) duration.
        using (var signal = Process.Start("nats-server", $"--signal ldm={cluster.Nodes[0].Pid}"))
        {
            await signal.WaitForExitAsync().WaitAsync(WaitLimit);
        }

        await reconnected.Task.WaitAsync(WaitLimit);
        Assert.That(connection.ConnectedServer!.Port, Is.AnyOf(cluster.Nodes[1].Port, cluster.Nodes[2].Port));
    }

    private static async Task<string> ReceiveSkippingProbesAsync(INatsSubscription subscription)
    {
        while (true)
        {
            var text = Text(await ReceiveAsync(subscription));
            if (text != "probe")
            {
                return text;
            }
        }
    }

    /// <summary>Publishes "probe" every 20 ms until <paramref name="subscription"/> sees one (bounded), then drains probes.</summary>
    private static async Task ProbeUntilDeliveredAsync(NatsConnection publisher, string subject, INatsSubscription subscription)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await publisher.PublishAsync(subject, Bytes("probe"));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            try
            {
                await subscription.Messages.ReadAsync(cts.Token);
                break;
            }
            catch (OperationCanceledException)
            {
                if (watch.Elapsed > WaitLimit)
                {
                    throw new AssertionException($"Interest in '{subject}' did not propagate within {WaitLimit}.");
                }
            }
        }

        // Later probes may still be in flight: wait for a flush of the publisher, then discard them.
        await publisher.FlushAsync();
        await Task.Delay(50);
        while (subscription.Messages.TryRead(out _))
        {
        }
    }
}
