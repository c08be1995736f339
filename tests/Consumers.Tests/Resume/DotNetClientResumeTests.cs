using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Consumers.Clients;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests.Resume;

/// <summary>
/// The generated .NET client's reconnect and resume over real sockets cut with a TCP reset: the state goes Resumed, the
/// consumer is the same, a call made while disconnected is answered; calls made while disconnected are bounded;
/// <see cref="ConsumerClientOptions.Resume"/> false gives a new consumer after a drop.
/// </summary>
public sealed class DotNetClientResumeTests
{
    [Test]
    public async Task ADroppedClient_ReconnectsAndResumes_TheSameConsumer_AndSendsWhatWaited()
    {
        await using var host = await StartAsync();
        var tcp = new Droppable();
        var states = new List<ConsumerClientState>();
        await using var client = await RoomConsumerClient.ConnectAsync(host.WebSocketUri("/ws/rooms/net"), tcp.Options(resume: true, states));
        var channel = (await client.ChannelAsync()).Data;

        tcp.Drop();
        var whileDown = client.GroupsAsync();
        await Eventually.WaitUntilAsync(() => client.State == ConsumerClientState.Resumed);
        Assert.That((await whileDown).Data, Is.EqualTo("lobby,room:net"));
        Assert.That((await client.ChannelAsync()).Data, Is.EqualTo(channel), "the same consumer");
        lock (states)
        {
            Assert.That(states, Is.EqualTo(new[] { ConsumerClientState.Closed, ConsumerClientState.Connecting, ConsumerClientState.Resumed }));
        }
    }

    [Test]
    public async Task CallsMadeWhileDisconnected_AreBounded_WithAClearError()
    {
        await using var host = await StartAsync();
        var tcp = new Droppable();
        await using var client = await RoomConsumerClient.ConnectAsync(host.WebSocketUri("/ws/rooms/net2"), tcp.Options(resume: true, null, maxBuffered: 1, retry: TimeSpan.FromSeconds(1)));
        tcp.Drop();
        await Eventually.WaitUntilAsync(() => client.State is ConsumerClientState.Closed or ConsumerClientState.Connecting);
        var kept = client.ChannelAsync();
        var refused = Assert.ThrowsAsync<WebSocketException>(() => client.ChannelAsync());
        Assert.That(refused!.Message, Does.Contain("1 calls already wait for the connection (ConsumerClientOptions.MaxBufferedCalls)"));
        Assert.That((await kept).Data, Does.Contain("."));
    }

    [Test]
    public async Task WithoutResume_ADropGivesANewConsumer()
    {
        await using var host = await StartAsync();
        var tcp = new Droppable();
        await using var client = await RoomConsumerClient.ConnectAsync(host.WebSocketUri("/ws/rooms/net3"), tcp.Options(resume: false, null));
        var channel = (await client.ChannelAsync()).Data;
        tcp.Drop();
        await Eventually.WaitUntilAsync(() => client.State == ConsumerClientState.Closed || tcp.Count > 1);
        await Eventually.WaitUntilAsync(() => client.State == ConsumerClientState.Open && tcp.Count > 1);
        Assert.That((await client.ChannelAsync()).Data, Is.Not.EqualTo(channel));
    }

    private static Task<TestHost> StartAsync() => TestHost.StartAsync(app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"));
}
