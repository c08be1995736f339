using Consumers.Testing.Communication;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests.Security;

/// <summary>One connection can never reach another's consumer state, group memberships or cancellation.</summary>
[TestFixture]
public sealed class IsolationTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<StatefulConsumer>("/ws/state");
        app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task InstanceState_IsPerConnection()
    {
        await using var a = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/state"));
        await using var b = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/state"));
        await a.RequestAsync("""{"action": "increment"}""");
        await a.RequestAsync("""{"action": "increment"}""");
        Assert.That((await b.RequestAsync("""{"action": "increment"}""")).Data.GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task LeavingAGroup_OnlyChangesTheConnectionThatLeft()
    {
        await using var a = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/iso1"));
        await using var b = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/iso1"));

        // Group actions name a group, never a connection: B can only leave its own membership.
        await b.RequestAsync("""{"action": "leave", "group": "room:iso1"}""");
        await b.SendAsync("""{"action": "tell", "group": "room:iso1", "text": "still there?"}""");
        var atA = await a.ReceiveAsync();
        Assert.That(atA.Json.GetProperty("text").GetString(), Is.EqualTo("still there?"));
        Assert.That((await NextReplyAsync(b)).ResponseStatus, Is.EqualTo(200));
        Assert.That((await b.RequestAsync("""{"action": "groups"}""")).Data.GetString(), Is.EqualTo("lobby"));
        await a.SendAsync("""{"action": "groups"}""");
        Assert.That((await NextReplyAsync(a)).Data.GetString(), Is.EqualTo("lobby,room:iso1"));
    }

    [Test]
    public async Task ChannelNames_AreDistinctPerConnection()
    {
        await using var a = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/iso2"));
        await using var b = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/iso2"));
        var channelA = (await a.RequestAsync("""{"action": "channel"}""")).Data.GetString();
        var channelB = (await b.RequestAsync("""{"action": "channel"}""")).Data.GetString();
        Assert.That(channelA, Is.Not.EqualTo(channelB));
    }

    [Test]
    public async Task DroppingOneConnection_CancelsOnlyItsOwnRunningAction()
    {
        var a = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/state"));
        await using var b = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/state"));
        await a.SendAsync("""{"action": "wait"}""");
        await b.SendAsync("""{"action": "wait", "request_id": "b"}""");
        await Task.Delay(100);
        a.Socket.Abort();
        await a.DisposeAsync();

        // A cancelled wait would reply at once with false; B's is still running, so nothing arrives.
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(500));
    }

    // Group messages and replies share the socket: skip frames that are not envelopes.
    private static Task<ConsumerEnvelope> NextReplyAsync(ConsumerCommunicator client)
        => client.ReceiveAsync(frame => frame.ResponseStatus is not null, "reply");
}
