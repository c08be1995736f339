using System.Globalization;
using System.Text.Json.Nodes;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Consumers.Tests.Resume;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// Recovery on another node (docs/protocol.md, "Recovery on another node") over a real nats-server with JetStream and
/// two app nodes sharing their Data Protection keys: a resumable client whose node dies comes back to the other node
/// with its token and position vector, is answered <c>recovered</c>, and gets every group message it missed once, in
/// order per sender, then the live ones; what cannot be recovered gives a fresh session, logged.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrossNodeRecoveryTests
{
    private const string Room = "/ws/rooms/xnode";

    [TestCase(false)]
    [TestCase(true)]
    public async Task NodeAKilled_TheClientRecoversOnNodeB_AndGetsEveryGroupMessageOnce_InOrderPerSender(bool batch)
    {
        string[] subprotocols = batch ? ["consumers.resume", "consumers.batch"] : ["consumers.resume"];
        await using var nodes = await RecoveryNodes.StartAsync();
        var hostA = await nodes.StartNodeAsync();
        var hostAStopped = false;
        try
        {
            await using var hostB = await nodes.StartNodeAsync();
            await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri(Room), subprotocols);
            Assert.That((await client.ReadResumeAsync())["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
            await using var senderA = await TestClient.ConnectAsync(hostA.WebSocketUri(Room));
            await using var senderB = await TestClient.ConnectAsync(hostB.WebSocketUri(Room));
            await NatsHosts.ProbeUntilReceivedAsync(senderB, senderA);

            // Node B's user says b0..b199 and node A's user a0..a39, one every 10 ms each, all along.
            const int FromA = 40;
            const int FromB = 200;
            var saidA = Say(senderA, "a", FromA);
            var saidB = Say(senderB, "b", FromB);

            // The client reads some, then its socket is cut (a reset) while both keep saying things.
            var received = new List<string>();
            while (received.Count(t => t.StartsWith('a')) < 5 || received.Count < 20)
            {
                Collect(await client.ReceiveAsync(), received);
            }

            client.Drop();
            var beforeDrop = received.Count(t => t.StartsWith('a'));

            // Node A's lines are all out (local members and NATS), then node A dies with the client's session parked on it.
            await saidA;
            await Task.Delay(500);
            await hostA.DisposeAsync();
            hostAStopped = true;
            Assert.That(beforeDrop, Is.LessThan(FromA), "the client missed some of node A's lines");

            var answer = await client.RecoverAsync(hostB.WebSocketUri(Room));
            Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("recovered"), answer.ToJsonString());
            Assert.That(answer["seq"]!.GetValue<long>(), Is.Zero);

            // Every line of the run, once each, in the order each user said them: replayed, then live.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            while (received.Count(t => t.StartsWith('a')) < FromA || received.Count(t => t.StartsWith('b')) < FromB)
            {
                Collect(await client.ReceiveAsync(TimeSpan.FromSeconds(20)), received);
                Assert.That(deadline.IsCancellationRequested, Is.False, "received: " + string.Join(' ', received));
            }

            await saidB;
            await client.SendAsync("""{"action": "channel", "request_id": "barrier"}""");
            while (true)
            {
                var frame = await client.ReceiveAsync();
                if (frame["request_id"]?.GetValue<string>() == "barrier")
                {
                    break;
                }

                Collect(frame, received);
            }

            Assert.That(received.Where(t => t.StartsWith('a')), Is.EqualTo(Enumerable.Range(0, FromA).Select(i => "a" + i.ToString(CultureInfo.InvariantCulture))), "node A's lines once, in order");
            Assert.That(received.Where(t => t.StartsWith('b')), Is.EqualTo(Enumerable.Range(0, FromB).Select(i => "b" + i.ToString(CultureInfo.InvariantCulture))), "node B's lines once, in order");
            Assert.That(client.Positions.Keys.Select(k => k.Group).Distinct(), Is.EqualTo(new[] { "room:xnode" }));
            Assert.That(client.Positions.Count, Is.EqualTo(2), "positions for both sending nodes");
            Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "SessionRecovered"), Is.True);
        }
        finally
        {
            if (!hostAStopped)
            {
                await hostA.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task OnAMultiplexedEndpoint_EachStreamIsRecovered_WithEveryLineOnceInOrder()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync();
        await using var hostB = await nodes.StartNodeAsync();
        await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri("/ws/mx/mx"));
        await client.ReadResumeAsync();
        await using var sender = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/mx"));
        await using var probe = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/mx"));
        await NatsHosts.ProbeUntilReceivedAsync(sender, probe);
        var received = new Dictionary<string, List<string>> { ["a"] = [], ["b"] = [] };
        void Take(JsonObject frame)
        {
            if (frame["payload"]?["text"]?.GetValue<string>() is { } text && !text.StartsWith("probe", StringComparison.Ordinal))
            {
                received[frame["stream"]!.GetValue<string>()].Add(text);
            }
        }

        for (var i = 0; i < 10; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        // Stream a's copy of line 9 arrived, b's maybe not: each stream has its own position.
        while (received["a"].Count < 10)
        {
            Take(await client.ReceiveAsync());
        }

        client.Drop();
        for (var i = 10; i < 40; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        Assert.That(client.Positions.Keys.Select(k => k.Stream), Does.Contain("a"));
        var answer = await client.RecoverAsync(hostB.WebSocketUri("/ws/mx/mx"));
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("recovered"), answer.ToJsonString());
        while (received["a"].Count < 40 || received["b"].Count < 40)
        {
            Take(await client.ReceiveAsync(TimeSpan.FromSeconds(15)));
        }

        await client.SendAsync("""{"stream": "a", "payload": {"action": "channel", "request_id": "barrier"}}""");
        while (true)
        {
            var frame = await client.ReceiveAsync();
            if (frame["payload"]?["request_id"]?.GetValue<string>() == "barrier")
            {
                break;
            }

            Take(frame);
        }

        var expected = Enumerable.Range(0, 40).Select(i => i.ToString(CultureInfo.InvariantCulture));
        Assert.That(received["a"], Is.EqualTo(expected), "stream a: every line once, in order");
        Assert.That(received["b"], Is.EqualTo(expected), "stream b: every line once, in order");
    }

    [Test]
    public async Task ALastFrameOlderThanTheReplayWindow_GetsAFreshSession_Logged()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync(o => o.ReplayWindow = TimeSpan.FromMinutes(1));
        await using var hostB = await nodes.StartNodeAsync(o => o.ReplayWindow = TimeSpan.FromMinutes(1));
        await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri(Room));
        await client.ReadResumeAsync();
        client.Drop();

        var answer = await client.RecoverAsync(hostB.WebSocketUri(Room), ageMs: 61_000);
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(Refusals(), Has.Some.Contains("is older than the group layer keeps messages (60 s)"));
    }

    [TestCase("[[\"room:xnode\",\"abc\",\"7\"]]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("[[\"room:xnode\",\"abc\",0]]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("{\"room:xnode\":1}", "the positions are not a JSON array")]
    [TestCase("[[\"room:xnode\",\"abc\",7", "the positions are not valid JSON")]
    [TestCase("[[\"room:xnode\",\"abc\",7,\"s\",1]]", "a position has more than four elements")]
    public async Task MalformedPositions_GetAFreshSession_Logged(string positions, string reason)
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync();
        await using var hostB = await nodes.StartNodeAsync();
        await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri(Room));
        await client.ReadResumeAsync();
        client.Drop();

        var answer = await client.RecoverAsync(hostB.WebSocketUri(Room), positions);
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(Refusals(), Has.Some.Contains("consumers_pos is malformed: " + reason));

        // The fresh session works: the room's lines reach it.
        await client.SendAsync("""{"action": "say", "text": "after", "request_id": 1}""");
        var frames = new[] { await client.ReceiveAsync(), await client.ReceiveAsync() };
        Assert.That(frames.Select(f => f["text"]?.GetValue<string>() ?? f["request_id"]?.ToJsonString()), Is.EquivalentTo(new[] { "after", "1" }));
    }

    [Test]
    public async Task WithoutJetStream_TheOtherNodeCannotReplay_AndGivesAFreshSession_Logged()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync(o => o.JetStream = false);
        await using var hostB = await nodes.StartNodeAsync(o => o.JetStream = false);
        await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri(Room));
        await client.ReadResumeAsync();
        await using var sender = await TestClient.ConnectAsync(hostA.WebSocketUri(Room));
        await sender.SendAsync("""{"action": "say", "text": "x"}""");
        Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("x"));
        Assert.That(client.Origins, Is.Zero, "no $origin frames from a layer that cannot replay");
        client.Drop();

        var answer = await client.RecoverAsync(hostB.WebSocketUri(Room), "[]", 100);
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(Refusals(), Has.Some.Contains("the group layer keeps no messages to replay"));
    }

    [Test]
    public async Task ATokenOfAnotherUser_IsRefusedOnTheOtherNodeToo_WithAFreshSession_Logged()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync(services: s => s.AddTestJwtBearer());
        await using var hostB = await nodes.StartNodeAsync(services: s => s.AddTestJwtBearer());
        await using var alice = await ResumeClient.ConnectAsync(hostA.WebSocketUri(Room + "?access_token=" + TestJwt.Issue("alice")));
        await alice.ReadResumeAsync();
        await using var sender = await TestClient.ConnectAsync(hostA.WebSocketUri(Room));
        await sender.SendAsync("""{"action": "say", "text": "x"}""");
        Assert.That((await alice.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("x"));
        Assert.That(alice.Positions, Is.Not.Empty, "alice's vector has node A's line");
        alice.Drop();
        var recoveries = CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SessionRecovered");

        // Bob presents alice's token and vector on node B.
        var answer = await alice.RecoverAsync(hostB.WebSocketUri(Room + "?access_token=" + TestJwt.Issue("bob")));
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Where(e => e.EventId.Name == "ResumeRefused").Select(e => e.Message), Has.Some.Contains("another user"));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SessionRecovered"), Is.EqualTo(recoveries));
    }

    private static Task Say(TestClient sender, string prefix, int count) => Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{prefix}}{{i}}"}""");
            await Task.Delay(10);
        }
    });

    private static void Collect(JsonObject frame, List<string> received)
    {
        if (frame["text"]?.GetValue<string>() is { } text && !text.StartsWith("probe", StringComparison.Ordinal))
        {
            received.Add(text);
        }
    }

    private static IEnumerable<string> Refusals()
        => CapturingLoggerProvider.Instance.Entries.Where(e => e.EventId.Name == "RecoveryRefused").Select(e => e.Message);
}
