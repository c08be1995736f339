using System.Globalization;
using System.Net.WebSockets;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Resume;

/// <summary>
/// The <c>consumers.resume</c> subprotocol on one node, over real sockets cut with a TCP reset: a client that comes back
/// within the window gets every frame it missed once, in order, from the same consumer; past the window, past the
/// buffer or with a token that is not its own it gets a fresh session.
/// </summary>
public sealed class SameNodeResumeTests
{
    private static Task<TestHost> StartAsync(Action<ConsumerOptions>? configure = null, Action<IServiceCollection>? services = null) => TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
            app.MapConsumer<LifecycleConsumer>("/ws/life/{room}");
        },
        configure,
        s =>
        {
            s.AddSingleton<LifecycleLog>();
            services?.Invoke(s);
        });

    private static ChatLine Line(int i) => new("chat", "server", i.ToString(CultureInfo.InvariantCulture));

    [Test]
    public async Task Dropped_ThenResumed_GetsEveryFrameOnce_InOrder_FromTheSameChannel()
    {
        await using var host = await StartAsync();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/rooms/r1"));
        Assert.That(client.Socket.SubProtocol, Is.EqualTo("consumers.resume"));
        var opened = await client.ReadResumeAsync();
        Assert.That(opened["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(client.Seq, Is.Zero);

        await client.SendAsync("""{"action": "channel", "request_id": 1}""");
        var channel = (await client.ReceiveAsync())["data"]!.GetValue<string>();
        Assert.That(client.Seq, Is.EqualTo(1));

        var sender = host.Services.GetRequiredService<IGroupSender>();
        for (var i = 0; i < 50; i++)
        {
            await sender.SendAsync("room:r1", Line(i), RoomJsonContext.Default.ChatLine);
        }

        // Read some, then the socket is cut while the rest and 50 more flow.
        for (var i = 0; i < 10; i++)
        {
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
        }

        client.Drop();
        for (var i = 50; i < 100; i++)
        {
            await sender.SendAsync("room:r1", Line(i), RoomJsonContext.Default.ChatLine);
        }

        var resumed = await client.ReconnectAsync();
        Assert.That(resumed["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        Assert.That(resumed["seq"]!.GetValue<long>(), Is.EqualTo(11));
        for (var i = 10; i < 100; i++)
        {
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)), $"line {i}");
        }

        // Nothing twice: the next frame is the reply, from the same consumer.
        await client.SendAsync("""{"action": "channel", "request_id": 2}""");
        var again = await client.ReceiveAsync();
        Assert.That(again["request_id"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(again["data"]!.GetValue<string>(), Is.EqualTo(channel));
        await client.SendAsync("""{"action": "groups", "request_id": 3}""");
        Assert.That((await client.ReceiveAsync())["data"]!.GetValue<string>(), Is.EqualTo("lobby,room:r1"));
    }

    [Test]
    public async Task ResumeWithBatch_CountsEachEnvelopeOfAnArray()
    {
        await using var host = await StartAsync();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/rooms/r2"), "consumers.resume", "consumers.batch");
        Assert.That(client.Socket.SubProtocol, Is.EqualTo("consumers.resume"));
        await client.ReadResumeAsync();
        var sender = host.Services.GetRequiredService<IGroupSender>();
        client.Drop();
        for (var i = 0; i < 300; i++)
        {
            await sender.SendAsync("room:r2", Line(i), RoomJsonContext.Default.ChatLine);
        }

        var resumed = await client.ReconnectAsync();
        Assert.That(resumed["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        for (var i = 0; i < 300; i++)
        {
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)), $"line {i}");
        }

        // Dropped again after reading some: the count of array elements is what the server replays after.
        for (var i = 300; i < 400; i++)
        {
            await sender.SendAsync("room:r2", Line(i), RoomJsonContext.Default.ChatLine);
        }

        for (var i = 300; i < 320; i++)
        {
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
        }

        client.Drop();
        Assert.That((await client.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        for (var i = 320; i < 400; i++)
        {
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)), $"line {i}");
        }
    }

    [Test]
    public async Task ACallInFlight_WhenTheSocketDrops_IsAnsweredAfterTheResume()
    {
        await using var host = await StartAsync();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/a"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "push", "count": 20, "request_id": "p"}""");
        client.Drop();
        Assert.That((await client.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        for (var i = 0; i < 20; i++)
        {
            Assert.That((await client.ReceiveAsync())["count"]!.GetValue<int>(), Is.EqualTo(i));
        }

        Assert.That((await client.ReceiveAsync())["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
    }

    [Test]
    public async Task OnDisconnectAsync_RunsOnce_AfterResumesAndTheFinalClose()
    {
        await using var host = await StartAsync();
        var log = host.Services.GetRequiredService<LifecycleLog>();
        await using (var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/b")))
        {
            await client.ReadResumeAsync();
            for (var round = 0; round < 3; round++)
            {
                client.Drop();
                await Task.Delay(100);
                Assert.That((await client.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("resumed"), $"round {round}");
            }

            Assert.That(log.Disconnected, Is.Empty, "a resumed session has not disconnected");
            Assert.That(log.Connected, Has.Count.EqualTo(1), "OnConnectAsync ran for the first socket only");
        }

        await Eventually.WaitUntilAsync(() => !log.Disconnected.IsEmpty);
        await Task.Delay(200);
        Assert.That(log.Disconnected, Has.Count.EqualTo(1));
        Assert.That(log.Disconnected.Single().Status, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
    }

    [Test]
    public async Task PastTheWindow_TheSessionEndsOnce_AndTheTokenGivesAFreshSession()
    {
        await using var host = await StartAsync(o => o.ResumeWindow = TimeSpan.FromMilliseconds(300));
        var log = host.Services.GetRequiredService<LifecycleLog>();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/c"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "id", "request_id": 1}""");
        var first = (await client.ReceiveAsync())["data"]!.GetValue<string>();
        client.Drop();
        await Eventually.WaitUntilAsync(() => !log.Disconnected.IsEmpty);
        var (id, status, aborted) = log.Disconnected.Single();
        Assert.That(id, Is.EqualTo(first));
        Assert.That(status, Is.Null, "a drop has no close status");
        Assert.That(aborted, Is.True);

        var answer = await client.ReconnectAsync();
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(answer["seq"]!.GetValue<long>(), Is.Zero);
        await client.SendAsync("""{"action": "id", "request_id": 2}""");
        Assert.That((await client.ReceiveAsync())["data"]!.GetValue<string>(), Is.Not.EqualTo(first));
        Assert.That(log.Disconnected, Has.Count.EqualTo(1));
        Assert.That(LogEvents(60).Any(m => m.Contains("ended", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ASeqThatIsNotHeld_GivesAFreshSession_AndEndsTheOldOneAtOnce()
    {
        await using var host = await StartAsync();
        var log = host.Services.GetRequiredService<LifecycleLog>();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/s"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "id", "request_id": 1}""");
        var first = (await client.ReceiveAsync())["data"]!.GetValue<string>();
        client.Drop();

        // Past the last frame sent: the newest token, but nothing to resume from.
        var answer = await client.ReconnectAsync(seq: 99);
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));

        // Well before the 30 s window: the old session ends, once.
        await Eventually.WaitUntilAsync(() => !log.Disconnected.IsEmpty, TimeSpan.FromSeconds(10));
        Assert.That(log.Disconnected.Single().Id, Is.EqualTo(first));
        Assert.That(LogEvents(60).Any(m => m.Contains("no longer held; the session ends", StringComparison.Ordinal)), Is.True);
        await client.SendAsync("""{"action": "id", "request_id": 2}""");
        Assert.That((await client.ReceiveAsync())["data"]!.GetValue<string>(), Is.Not.EqualTo(first));
        await Task.Delay(200);
        Assert.That(log.Disconnected, Has.Count.EqualTo(1), "the fresh session runs on");
    }

    [Test]
    public async Task BufferOverflowWhileParked_EndsTheSessionAtOnce_NotResumable()
    {
        await using var host = await StartAsync(o => o.ResumeBufferBytes = 2048);
        var log = host.Services.GetRequiredService<LifecycleLog>();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/d"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "id", "request_id": 1}""");
        var channel = (await client.ReceiveAsync())["data"]!.GetValue<string>();
        await client.AckAsync();
        client.Drop();
        var sender = host.Services.GetRequiredService<IGroupSender>();
        for (var i = 0; i < 100; i++)
        {
            await sender.SendToChannelAsync(channel, Line(i), RoomJsonContext.Default.ChatLine);
        }

        // Well before the 30 s window: the overflow ends the session.
        await Eventually.WaitUntilAsync(() => !log.Disconnected.IsEmpty, TimeSpan.FromSeconds(10));
        Assert.That((await client.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(log.Disconnected, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AClientThatNeverAcknowledges_IsClosedWith1008_WhenItsBufferIsFull()
    {
        // 4 KiB of frames leave unacknowledged (the send window); the rest waits in the send queue, 64 frames at most.
        await using var host = await StartAsync(o => (o.ResumeBufferBytes, o.SendQueueCapacity) = (4096, 64));
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/e"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "push", "count": 500, "request_id": "p"}""");
        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(client.Socket.CloseStatusDescription, Is.EqualTo("Resume buffer full"));
    }

    [Test]
    public async Task ABurstLargerThanTheBuffer_WaitsForTheClientsAcks_AndArrivesWhole_WithoutAClose()
    {
        // 300 frames at once, several times the 4 KiB buffer: past it, frames wait for an $ack instead of overflowing it.
        await using var host = await StartAsync(o => o.ResumeBufferBytes = 4096);
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/w"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "push", "count": 300, "request_id": "p"}""");
        var pushed = new List<int>();
        for (var i = 0; i <= 300; i++)
        {
            var frame = await client.ReceiveAsync();
            if (frame["count"] is { } n)
            {
                pushed.Add(n.GetValue<int>());
            }

            if (client.Seq % 10 == 0)
            {
                await client.AckAsync();
            }
        }

        Assert.That(pushed, Is.EqualTo(Enumerable.Range(0, 300)), "every frame, once, in order");

        // Still open: the next request is answered.
        await client.SendAsync("""{"action": "room", "request_id": "after"}""");
        Assert.That((await client.ReceiveAsync())["request_id"]!.GetValue<string>(), Is.EqualTo("after"));
    }

    [Test]
    public async Task AClientThatAcknowledges_IsNeverClosed_AndAnAcknowledgedFrameIsNotReplayed()
    {
        await using var host = await StartAsync(o => o.ResumeBufferBytes = 4096);
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/f"));
        await client.ReadResumeAsync();
        for (var round = 0; round < 20; round++)
        {
            await client.SendAsync("""{"action": "push", "count": 20, "request_id": "p"}""");
            for (var i = 0; i <= 20; i++)
            {
                await client.ReceiveAsync();
            }

            await client.AckAsync();
        }

        // The last $ack is read before the next request is (both on arrival, in order).
        await client.SendAsync("""{"action": "room", "request_id": "r"}""");
        await client.ReceiveAsync();
        await client.AckAsync();
        await client.SendAsync("""{"action": "room", "request_id": "s"}""");
        await client.ReceiveAsync();

        // Acknowledged frames are gone: asking for them again is refused (fresh); the count stands where it was.
        var acked = client.Seq - 1;
        client.Drop();
        var answer = await client.ReconnectAsync(seq: acked - 1);
        Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(LogEvents(60).Any(m => m.Contains("no longer held", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ABadAck_IsAnsweredWith400_AndChangesNothing()
    {
        await using var host = await StartAsync();
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/rooms/g"));
        await client.ReadResumeAsync();
        await client.SendAsync("""{"action": "$ack", "seq": 5}""");
        var error = await client.ReceiveAsync();
        Assert.That(error.ToJsonString(), Is.EqualTo("""{"errors":["$ack needs the seq of the last frame received: an integer from 0 to 0."],"data":null,"action":"$ack","response_status":400,"request_id":null}"""));
        await client.SendAsync("""{"action": "$ack", "seq": "one"}""");
        Assert.That((await client.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(400));

        // A good one has no reply.
        await client.SendAsync("""{"action": "$ack", "seq": 2}""");
        await client.SendAsync("""{"action": "channel", "request_id": 1}""");
        Assert.That((await client.ReceiveAsync())["request_id"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task ForgedForeignAndReplayedTokens_AreRefusedAndLogged_WithAFreshSession()
    {
        await using var host = await TestHost.StartAsync(app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"), services: s => s.AddTestJwtBearer());
        var alice = host.WebSocketUri("/ws/rooms/h?access_token=" + TestJwt.Issue("alice"));
        var bob = host.WebSocketUri("/ws/rooms/h?access_token=" + TestJwt.Issue("bob"));
        await using var aliceClient = await ResumeClient.ConnectAsync(alice);
        await aliceClient.ReadResumeAsync();
        var aliceToken = aliceClient.Token!;
        await aliceClient.SendAsync("""{"action": "channel", "request_id": 1}""");
        var aliceChannel = (await aliceClient.ReceiveAsync())["data"]!.GetValue<string>();

        // Bob presents Alice's token: refused, and Alice's session is untouched.
        await using var bobClient = await ResumeClient.ConnectAsync(bob);
        await bobClient.ReadResumeAsync();
        Assert.That((await bobClient.ReconnectAsync(aliceToken, 0))["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(LogEvents(60).Any(m => m.Contains("another user", StringComparison.Ordinal)), Is.True);
        await bobClient.SendAsync("""{"action": "channel", "request_id": 1}""");
        Assert.That((await bobClient.ReceiveAsync())["data"]!.GetValue<string>(), Is.Not.EqualTo(aliceChannel));

        // A forged token.
        Assert.That((await bobClient.ReconnectAsync(aliceToken[..^4] + "AAAA", 0))["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(LogEvents(60).Any(m => m.Contains("not readable", StringComparison.Ordinal)), Is.True);

        // Alice resumes; her old token is then spent (replayed: refused).
        aliceClient.Drop();
        Assert.That((await aliceClient.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        await aliceClient.SendAsync("""{"action": "channel", "request_id": 2}""");
        Assert.That((await aliceClient.ReceiveAsync())["data"]!.GetValue<string>(), Is.EqualTo(aliceChannel));
        await using var replay = await ResumeClient.ConnectAsync(alice);
        await replay.ReadResumeAsync();
        Assert.That((await replay.ReconnectAsync(aliceToken, 1))["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
        Assert.That(LogEvents(60).Any(m => m.Contains("replaced by a newer one", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ClientsThatDoNotOfferTheSubprotocol_GetTheSameBytesAsBefore()
    {
        await using var host = await StartAsync();
        await using var plain = await TestClient.ConnectAsync(host.WebSocketUri("/ws/life/i"));
        Assert.That(plain.Socket.SubProtocol, Is.Null.Or.Empty);
        Assert.That(await plain.SendAndReceiveTextAsync("""{"action": "room", "request_id": 1}"""),
            Is.EqualTo("""{"errors":[],"data":"i","action":"room","response_status":200,"request_id":1}"""));

        await using var batch = await TestClient.ConnectAsync(host.WebSocketUri("/ws/life/i"), o => o.AddSubProtocol("consumers.batch"));
        Assert.That(batch.Socket.SubProtocol, Is.EqualTo("consumers.batch"));
        Assert.That(await batch.SendAndReceiveTextAsync("""{"action": "room", "request_id": 1}"""),
            Is.EqualTo("""{"errors":[],"data":"i","action":"room","response_status":200,"request_id":1}"""));

        // A resume client gets the same bytes after its $resume frame.
        await using var resume = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/life/i"));
        await resume.ReadResumeAsync();
        await resume.SendAsync("""{"action": "room", "request_id": 1}""");
        Assert.That((await resume.ReceiveAsync()).ToJsonString(), Is.EqualTo("""{"errors":[],"data":"i","action":"room","response_status":200,"request_id":1}"""));
    }

    [Test]
    public async Task WithResumeOff_TheSubprotocolIsNotSelected()
    {
        await using var host = await StartAsync(o => o.ResumeWindow = TimeSpan.Zero);
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/life/j"), o =>
        {
            o.AddSubProtocol("consumers.resume");
            o.AddSubProtocol("consumers.batch");
        });
        Assert.That(client.Socket.SubProtocol, Is.EqualTo("consumers.batch"));
        Assert.That(await client.SendAndReceiveTextAsync("""{"action": "room", "request_id": 1}"""),
            Is.EqualTo("""{"errors":[],"data":"j","action":"room","response_status":200,"request_id":1}"""));
    }

    private static IEnumerable<string> LogEvents(int id)
        => CapturingLoggerProvider.Instance.Entries.Where(e => e.EventId.Id == id || e.EventId.Id == id + 3).Select(e => e.Message);
}
