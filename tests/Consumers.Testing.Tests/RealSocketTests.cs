using System.Net.WebSockets;
using Consumers.Testing.Authentication;
using Consumers.Testing.Communication;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>ConsumerCommunicator.ConnectAsync(Uri): the same communicator over a real socket to an app on a port.</summary>
[TestFixture]
public sealed class RealSocketTests
{
    private IHost _host = null!;

    [OneTimeSetUp]
    public async Task Start() => _host = await KitHost.StartAsync(kestrel: true);

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Test]
    public async Task RealSocket_SendsAndReceives_AndSeesTheServersCloseCode()
    {
        await using var c = await ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(_host, "/ws/kit"), o => o.Origin = KitHost.AllowedOrigin);

        var reply = await c.RequestAsync("""{"action": "add", "a": 2, "b": 2, "request_id": "real"}""");
        await c.SendAsync($$"""{"action": "add", "pad": "{{new string('x', KitHost.MaxMessageSize + 1)}}"}""");
        await c.ReceiveAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(reply.Data.GetInt32(), Is.EqualTo(4));
            Assert.That(await c.WaitForCloseAsync(), Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        });
    }

    [Test]
    public async Task RealSocket_Batch_IsNegotiatedAndUnpacked()
    {
        await using var c = await ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(_host, "/ws/kit"), o => o.Batch = true);

        await c.SendAsync("""{"action": "count_to", "count": 3, "tag": "r", "request_id": 1}""");
        var ticks = new[] { await c.ReceiveAsync(), await c.ReceiveAsync(), await c.ReceiveAsync() };

        Assert.Multiple(() =>
        {
            Assert.That(c.SubProtocol, Is.EqualTo(ConsumerConnectOptions.BatchSubprotocol));
            Assert.That(ticks.Select(t => t.Data.GetProperty("n").GetInt32()), Is.EqualTo(new[] { 1, 2, 3 }));
        });
    }

    [Test]
    public void RealSocket_RefusedOrigin_ThrowsWithTheStatus()
    {
        var error = Assert.ThrowsAsync<ConsumerHandshakeException>(() => ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(_host, "/ws/kit"), o => o.Origin = "https://evil.example"));

        Assert.That(error!.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public void RealSocket_SlowHandshake_PastTheConnectTimeout_FailsSayingSo()
    {
        var error = Assert.ThrowsAsync<TimeoutException>(() => ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(_host, "/ws/slow"), o => o.ConnectTimeout = TimeSpan.FromMilliseconds(200)));

        Assert.That(error!.Message, Does.StartWith("The WebSocket handshake of /ws/slow did not complete within 0.2 s"));
    }

    [Test]
    public void RealSocket_WithATestUser_IsNotSupported()
    {
        var error = Assert.ThrowsAsync<NotSupportedException>(() => ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(_host, "/ws/kit"), o => o.User = ConsumersTestAuthentication.User("ann")));

        Assert.That(error!.Message, Does.Contain("in-process host"));
    }
}
