using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>
/// A NATS outage is not an application outage: against a real nats-server (JetStream, file store) that the test kills
/// and starts again on the same port and store, handshakes and sends never wait for NATS, members on one node keep
/// talking, and after the return what crossed nodes arrives once, in order, paced to the readers, and never to a member
/// who joined after it was sent.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsDegradedTests
{
    /// <summary>
    /// The outage of <see cref="ASustainedOutage_At10MessagesASecondPerSender_LosesNothing_ThrottlesNothing_ClosesNoReader"/>,
    /// in seconds: 5 in the suite, <c>CONSUMERS_NATS_OUTAGE_SECONDS=30</c> for the issue's 30 s.
    /// </summary>
    private static readonly int OutageSeconds = int.TryParse(Environment.GetEnvironmentVariable("CONSUMERS_NATS_OUTAGE_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 5;

    [Test]
    public async Task DuringAnOutage_ASignedInHandshakeSucceedsWithin1Second_AndTheRoomWorksOnThatNode()
    {
        await using var nats = await RestartableNats.StartAsync();
        await using var host = await NatsHosts.StartAsync(nats.Url, services: s => s.AddTestJwtBearer());
        await nats.StopAsync();
        await Eventually.WaitUntilAsync(() => host.Layer().Connection.ConnectionState != NatsConnectionState.Open);

        // A signed-in connection joins its room and the user's group (consumers.user:ann), both new on this node.
        var watch = Stopwatch.StartNew();
        await using var ann = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/outage?access_token=" + TestJwt.Issue("ann")));
        var first = watch.Elapsed;
        watch.Restart();
        await using var again = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/outage?access_token=" + TestJwt.Issue("ann")));
        var reload = watch.Elapsed;

        var reply = await ann.RequestAsync("""{"action": "say", "text": "still here", "request_id": 1}""");
        var line = await again.ReceiveAsync(TimeSpan.FromSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.LessThan(TimeSpan.FromSeconds(1)), "handshake during the outage");
            Assert.That(reload, Is.LessThan(TimeSpan.FromSeconds(1)), "a page reload during the outage");
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(line["text"]!.GetValue<string>(), Is.EqualTo("still here"));
        });
    }

    [Test]
    public async Task DuringAnOutage_MembersOnOneNode_KeepGettingEachOthersMessages_AtOnce()
    {
        await using var nats = await RestartableNats.StartAsync();
        await using var host = await NatsHosts.StartAsync(nats.Url);
        await using var a = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/local"));
        await using var a2 = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/local"));
        await nats.StopAsync();
        await Eventually.WaitUntilAsync(() => host.Layer().Connection.ConnectionState != NatsConnectionState.Open);

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            await a.SendAsync($$"""{"action": "say", "text": "local {{i}}", "exclude_self": true}""");
            var line = await a2.ReceiveAsync(TimeSpan.FromSeconds(2));
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            Assert.That(line["text"]!.GetValue<string>(), Is.EqualTo($"local {i}"));
            var reply = await a.ReceiveAsync(TimeSpan.FromSeconds(2));
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        }

        TestContext.Out.WriteLine($"slowest same-node delivery during the outage: {slowest.TotalMilliseconds:0.0} ms");
        Assert.That(slowest, Is.LessThan(TimeSpan.FromMilliseconds(500)), "same-node delivery does not wait for NATS");
    }

    [Test]
    public async Task AfterTheOutage_CrossNodeMessagesSentDuringIt_ArriveOnce_InOrder()
    {
        await using var nats = await RestartableNats.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(nats.Url);
        await using var hostB = await NatsHosts.StartAsync(nats.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/across"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/across"));
        await NatsHosts.ProbeUntilReceivedAsync(a, b);
        var atB = new FrameCollector(b);
        await nats.StopAsync();
        await Eventually.WaitUntilAsync(() => hostA.Layer().Connection.ConnectionState != NatsConnectionState.Open);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            var reply = await a.RequestAsync($$"""{"action": "say", "text": "m{{i}}", "exclude_self": true, "request_id": {{i}}}""");
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        }

        var sending = watch.Elapsed;
        Assert.That(hostA.Layer().OutboxBytes, Is.GreaterThan(0), "held for NATS");
        await nats.StartAgainAsync();

        await Eventually.WaitUntilAsync(() => atB.Texts.Count(t => t.StartsWith('m')) >= 30, TimeSpan.FromSeconds(20));
        var barrier = await RequestAfterAsync(b, atB, "barrier");
        Assert.Multiple(() =>
        {
            Assert.That(sending, Is.LessThan(TimeSpan.FromSeconds(3)), "30 sends with their replies during the outage");
            Assert.That(atB.Texts.Where(t => t.StartsWith('m')), Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"m{i}")), "once each, in the order sent");
            Assert.That(barrier, Is.True);
        });
    }

    [Test]
    public async Task AMemberWhoJoinedAfterAMessageWasSent_DoesNotGetIt_WhenItArrivesAfterTheOutage()
    {
        await using var nats = await RestartableNats.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(nats.Url, o => o.ClockSkew = TimeSpan.FromMilliseconds(200));
        await using var hostB = await NatsHosts.StartAsync(nats.Url, o => o.ClockSkew = TimeSpan.FromMilliseconds(200));
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/boundary"));
        await using var early = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/boundary"));
        await NatsHosts.ProbeUntilReceivedAsync(a, early);
        var atEarly = new FrameCollector(early);
        await nats.StopAsync();
        await Eventually.WaitUntilAsync(() => hostA.Layer().Connection.ConnectionState != NatsConnectionState.Open);

        await a.RequestAsync("""{"action": "say", "text": "before", "exclude_self": true}""");
        await Task.Delay(600);
        await using var late = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/boundary"));
        var atLate = new FrameCollector(late);
        await Task.Delay(600);
        await a.RequestAsync("""{"action": "say", "text": "after", "exclude_self": true}""");
        await nats.StartAgainAsync();

        await Eventually.WaitUntilAsync(() => atEarly.Texts.Contains("after") && atLate.Texts.Contains("after"), TimeSpan.FromSeconds(20));
        await RequestAfterAsync(late, atLate, "barrier");
        Assert.Multiple(() =>
        {
            Assert.That(atEarly.Texts.Where(t => t is "before" or "after"), Is.EqualTo(new[] { "before", "after" }), "a member from before the outage gets both");
            Assert.That(atLate.Texts, Is.EqualTo(new[] { "after" }), "the member who joined after 'before' was sent does not get it");
        });
    }

    [Test]
    public async Task ASustainedOutage_At10MessagesASecondPerSender_LosesNothing_ThrottlesNothing_ClosesNoReader()
    {
        // Small socket buffers and 32-frame send queues: the messages held through the outage arrive at once after it
        // and would overrun the readers' queues unless paced to what each one takes.
        const int SendersPerNode = 3;
        var padding = new string('x', 400);
        using var paced = new LayerCounters("consumers.nats.paced");
        using var queueFull = new LayerCounters("consumers.connections.send_queue_full");
        await using var nats = await RestartableNats.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(nats.Url, services: s => s.UseNarrowSockets(), options: o => o.SendQueueCapacity = 32);
        await using var hostB = await NatsHosts.StartAsync(nats.Url, services: s => s.UseNarrowSockets(), options: o => o.SendQueueCapacity = 32);
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < SendersPerNode * 2; i++)
            {
                clients.Add(await NarrowSockets.ConnectAsync((i < SendersPerNode ? hostA : hostB).WebSocketUri("/ws/rooms/sustained")));
            }

            var collectors = clients.Select(c => new FrameCollector(c)).ToArray();
            await ProbeAsync(clients[0], collectors[SendersPerNode]);
            await ProbeAsync(clients[SendersPerNode], collectors[0]);

            // Every sender says s{i}-{n}, 10 a second, from 1 s before the outage to 2 s after it.
            var count = (OutageSeconds + 3) * 10;
            var sending = clients.Select((client, i) => Task.Run(async () =>
            {
                var next = Stopwatch.StartNew();
                for (var n = 0; n < count; n++)
                {
                    await client.SendAsync($$"""{"action": "say", "text": "s{{i}}-{{n}} {{padding}}", "exclude_self": true, "request_id": {{n}}}""");
                    var wait = TimeSpan.FromMilliseconds(100 * (n + 1)) - next.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }
            })).ToArray();

            await Task.Delay(1000);
            await nats.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(OutageSeconds));
            await nats.StartAgainAsync();
            await Task.WhenAll(sending);

            var expected = count * (clients.Count - 1);
            var limit = TimeSpan.FromSeconds(30 + OutageSeconds);
            try
            {
                await Eventually.WaitUntilAsync(() => collectors.All(c => c.Texts.Count(t => t.StartsWith('s')) >= expected || c.Ended is not null), limit);
            }
            catch (Exception ex) when (ex is AssertionException or TimeoutException)
            {
                var missing = collectors.Select((c, r) => $"reader {r} misses [{string.Join(" ", Enumerable.Range(0, collectors.Length).Where(s => s != r).SelectMany(s => Enumerable.Range(0, count).Select(n => $"s{s}-{n}")).Except(c.Texts.Select(t => t.Split(' ')[0])))}]");
                Assert.Fail($"not all delivered within {limit}: {string.Join("; ", missing)}\nA: {hostA.Layer().State}\nB: {hostB.Layer().State}");
            }

            await Task.Delay(500);
            Assert.Multiple(() =>
            {
                Assert.That(queueFull.Total, Is.Zero, "no connection's send queue overflowed");
                for (var r = 0; r < collectors.Length; r++)
                {
                    var collector = collectors[r];
                    Assert.That(collector.Ended, Is.Null, $"reader {r} was closed");
                    Assert.That(collector.Replies.Select(f => f["response_status"]!.GetValue<int>()).Where(s => s != 200), Is.Empty, $"reader {r}'s sends were answered with errors (throttled?)");
                    Assert.That(collector.Replies.Count(f => f["request_id"] is not null), Is.EqualTo(count), $"reader {r}'s replies");
                    for (var s = 0; s < collectors.Length; s++)
                    {
                        if (s != r)
                        {
                            var prefix = $"s{s}-";
                            Assert.That(
                                collector.Texts.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t.Split(' ')[0]),
                                Is.EqualTo(Enumerable.Range(0, count).Select(n => prefix + n)),
                                $"reader {r} gets sender {s}'s messages once each, in order");
                        }
                    }
                }
            });
            TestContext.Out.WriteLine($"{OutageSeconds} s outage, {clients.Count} senders at 10/s: every reader got {expected} messages; {paced.Total} backlog messages waited for a reader's room");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task AfterTheOutage_TheBacklogIsPacedToASlowReader_WhichStaysOpen_AndAReaderThatStoppedDoesNotHoldItUp()
    {
        // Node B: 16-frame send queues and small socket buffers; its reader takes 3 ms over each frame, its other
        // client reads nothing at all.
        await using var nats = await RestartableNats.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(nats.Url, options: o => (o.RateLimitPerSecond, o.RateLimitBurst) = (1000, 1000));
        await using var hostB = await NatsHosts.StartAsync(nats.Url, services: s => s.UseNarrowSockets(), options: o => o.SendQueueCapacity = 16);
        using var queueFull = new LayerCounters("consumers.connections.send_queue_full");
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/paced"));
        await using var reader = await NarrowSockets.ConnectAsync(hostB.WebSocketUri("/ws/rooms/paced"));
        await using var stopped = await NarrowSockets.ConnectAsync(hostB.WebSocketUri("/ws/rooms/paced"));
        var atReader = new FrameCollector(reader, TimeSpan.FromMilliseconds(3));
        await ProbeAsync(a, atReader);
        await nats.StopAsync();
        await Eventually.WaitUntilAsync(() => hostA.Layer().Connection.ConnectionState != NatsConnectionState.Open);

        // 300 lines of about 1 KiB from A during the outage: held in A's outbox, all published at once after it.
        const int Total = 300;
        var padding = new string('x', 1000);
        for (var i = 0; i < Total; i++)
        {
            await a.SendAsync($$"""{"action": "say", "text": "m{{i}} {{padding}}", "exclude_self": true}""");
        }

        await Eventually.WaitUntilAsync(() => hostA.Layer().OutboxBytes > Total * 1000, TimeSpan.FromSeconds(10));
        await nats.StartAgainAsync();
        await Eventually.WaitUntilAsync(() => atReader.Texts.Count(t => t.StartsWith('m')) >= Total || atReader.Ended is not null, TimeSpan.FromSeconds(60));

        Assert.Multiple(async () =>
        {
            Assert.That(atReader.Ended, Is.Null, "the slow reader was closed");
            Assert.That(atReader.Texts.Where(t => t.StartsWith('m')).Select(t => t.Split(' ')[0]), Is.EqualTo(Enumerable.Range(0, Total).Select(i => $"m{i}")), "all of it, once each, in order");
            Assert.That(await stopped.ReceiveCloseAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(WebSocketCloseStatus.PolicyViolation), "the client that reads nothing is closed by its own queue's bound, as without a backlog");
            Assert.That(queueFull.Total, Is.EqualTo(1), "only that one");
        });
    }

    // Says "probe" every 100 ms until the receiver has one: the group's interest has crossed to the server.
    private static async Task ProbeAsync(TestClient sender, FrameCollector receiver)
    {
        for (var i = 0; i < 150 && !receiver.Texts.Any(t => t.StartsWith("probe", StringComparison.Ordinal)); i++)
        {
            await sender.SendAsync("""{"action": "say", "text": "probe", "exclude_self": true}""");
            await Task.Delay(100);
        }
    }

    // Sends a request and waits for its reply among what the collector reads: everything sent to the client before it
    // has arrived by then.
    private static async Task<bool> RequestAfterAsync(TestClient client, FrameCollector collector, string requestId)
    {
        await client.SendAsync($$"""{"action": "channel", "request_id": "{{requestId}}"}""");
        await Eventually.WaitUntilAsync(() => collector.Frames.Any(f => f["request_id"]?.GetValue<string>() == requestId), TimeSpan.FromSeconds(10));
        return true;
    }
}
