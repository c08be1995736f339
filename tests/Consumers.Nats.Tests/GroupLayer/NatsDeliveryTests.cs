using System.Net.WebSockets;
using Consumers.Testing.Nats;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests;

/// <summary>
/// Messages arriving from NATS reach this node's members; one failing delivery does not stop the next; a burst from
/// another node is paced to a slow reader rather than overflowing its send queue.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsDeliveryTests
{
    [Test]
    public async Task AMemberThatThrows_IsLogged_AndTheSubscriptionKeepsDelivering()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        var member = new ThrowOnceMember();
        await hostB.Layer().AddAsync("room:throws", member);

        // Interest crosses to the server before AddAsync returns (PONG); still probe so a slow route cannot make this flaky.
        await Eventually.WaitUntilAsync(() =>
        {
            hostA.Layer().SendAsync("room:throws", new GroupMessage("{\"n\":0}"u8.ToArray())).AsTask().Wait();
            return member.Calls > 0;
        });
        await hostA.Layer().SendAsync("room:throws", new GroupMessage("{\"n\":1}"u8.ToArray()));
        await Eventually.WaitUntilAsync(() => member.Delivered.Contains("{\"n\":1}"));

        Assert.That(
            CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsDeliveryFailed" && e.Message.Contains("consumers.g.room:throws", StringComparison.Ordinal)),
            Is.True);
    }

    [Test]
    public async Task ABurstFromAnotherNode_IsPacedToASlowReader_WhichStaysOpen_AndAReaderThatStoppedIsClosedByItsOwnBound()
    {
        // Node B: 16-frame send queues and small socket buffers; its reader takes 3 ms over each frame, its other client
        // reads nothing. A's sender is answered from its own node, so nothing slows it down to B's readers' pace.
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url, options: o => (o.RateLimitPerSecond, o.RateLimitBurst) = (1000, 1000));
        await using var hostB = await NatsHosts.StartAsync(server.Url, services: s => s.UseNarrowSockets(), options: o => o.SendQueueCapacity = 16);
        using var queueFull = new LayerCounters("consumers.connections.send_queue_full");
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/burst"));
        await using var reader = await NarrowSockets.ConnectAsync(hostB.WebSocketUri("/ws/rooms/burst"));
        await using var stopped = await NarrowSockets.ConnectAsync(hostB.WebSocketUri("/ws/rooms/burst"));
        var atReader = new FrameCollector(reader, TimeSpan.FromMilliseconds(3));
        for (var i = 0; i < 150 && !atReader.Texts.Any(t => t.StartsWith("probe", StringComparison.Ordinal)); i++)
        {
            await a.SendAsync("""{"action": "say", "text": "probe", "exclude_self": true}""");
            await Task.Delay(100);
        }

        // 300 lines of about 1 KiB, as fast as A takes them: far more than 16 frames ahead of B's reader.
        const int Total = 300;
        var padding = new string('x', 1000);
        for (var i = 0; i < Total; i++)
        {
            await a.SendAsync($$"""{"action": "say", "text": "m{{i}} {{padding}}", "exclude_self": true}""");
        }

        await Eventually.WaitUntilAsync(() => atReader.Texts.Count(t => t.StartsWith('m')) >= Total || atReader.Ended is not null, TimeSpan.FromSeconds(60));

        Assert.Multiple(async () =>
        {
            Assert.That(atReader.Ended, Is.Null, "the slow reader was closed");
            Assert.That(atReader.Texts.Where(t => t.StartsWith('m')).Select(t => t.Split(' ')[0]), Is.EqualTo(Enumerable.Range(0, Total).Select(i => $"m{i}")), "all of it, once each, in order");
            Assert.That(await stopped.ReceiveCloseAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(WebSocketCloseStatus.PolicyViolation), "the client that reads nothing is closed by its own queue's bound");
            Assert.That(queueFull.Total, Is.EqualTo(1), "only that one");
        });
    }

    [TestCase("")]
    [TestCase("two.tokens")]
    [TestCase("wild*")]
    public void InvalidSubjectPrefix_IsRejected_NamingTheSetting(string prefix)
    {
        var options = new NatsGroupLayerOptions { SubjectPrefix = prefix };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("Consumers:Nats:SubjectPrefix"));
    }

    private sealed class ThrowOnceMember : IGroupMember
    {
        private int _calls;

        public string ChannelName => "nochannel.1";

        public int Calls => Volatile.Read(ref _calls);

        public System.Collections.Concurrent.ConcurrentBag<string> Delivered { get; } = [];

        public bool Deliver(GroupMessage message)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new InvalidOperationException("a member that fails");
            }

            Delivered.Add(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
            return true;
        }
    }
}
