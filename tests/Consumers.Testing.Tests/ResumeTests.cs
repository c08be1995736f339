using System.Net.WebSockets;
using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>
/// The kit's resumable communicator (<see cref="ConsumerConnectOptions.Resume"/>): cut abruptly with <c>Drop</c>, back
/// with <c>ResumeAsync</c>, every frame once and in order, the same consumer; in-process and over a real socket.
/// </summary>
public sealed class ResumeTests : KitFixture
{
    [Test]
    public async Task InProcess_DropAndResume_KeepsTheConsumer_AndLosesNothing()
    {
        await using var c = await Host.ConnectAsync("/ws/kit", o => o.Resume = true);
        Assert.That(c.SubProtocol, Is.EqualTo(ConsumerConnectOptions.ResumeSubprotocol));
        Assert.That(c.ResumeOutcome, Is.EqualTo("fresh"));
        await c.SendAsync("""{"action": "tag", "tag": "kit-resume-1", "request_id": 0}""");
        await c.ReceiveAsync();
        Assert.That(c.ReceivedSeq, Is.EqualTo(1));

        c.Drop();
        Assert.That(await c.ResumeAsync(), Is.EqualTo("resumed"));
        var reply = await c.RequestAsync("""{"action": "count_to", "count": 3, "tag": "t", "request_id": 1}""");
        Assert.That(reply.Data.GetInt32(), Is.EqualTo(3));
        Assert.That(c.ReceivedSeq, Is.EqualTo(5));

        await c.CloseAsync();
        var disconnects = Host.Services.GetRequiredService<Disconnects>();
        Assert.That(await disconnects.OfAsync("kit-resume-1"), Is.EqualTo(WebSocketCloseStatus.NormalClosure), "the resumed consumer is the one that ends");
    }

    [Test]
    public async Task LargeFrames_AreAcknowledgedByBytes_SoTheServersBufferNeverStallsTheCommunicator()
    {
        // 40 frames of about 3.5 KiB: 140 KiB, past the server's 64 KiB of unacknowledged frames, in fewer than the
        // 50 frames after which the communicator acknowledges by count (it has no timer).
        using var host = await KitHost.StartAsync(options: o => o.ResumeBufferBytes = 64 * 1024);
        try
        {
            await using var c = await host.ConnectAsync("/ws/kit", o => o.Resume = true);
            var tag = new string('t', 3_500);
            await c.SendAsync($$"""{"action": "count_to", "count": 40, "tag": "{{tag}}", "request_id": 1}""");
            for (var i = 1; i <= 40; i++)
            {
                var tick = await c.ReceiveAsync();
                Assert.That(tick.Data.GetProperty("n").GetInt32(), Is.EqualTo(i), $"tick {i}");
            }

            Assert.That((await c.ReceiveAsync()).Data.GetInt32(), Is.EqualTo(40));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task RealSocket_DropWhileFramesFlow_ResumeGetsEveryFrameOnce()
    {
        using var host = await KitHost.StartAsync(kestrel: true);
        try
        {
            await using var c = await ConsumerCommunicator.ConnectAsync(KitHost.SocketUri(host, "/ws/kit"), o => o.Resume = true);
            await c.SendAsync("""{"action": "count_to", "count": 200, "tag": "r", "request_id": 1}""");
            c.Drop();
            Assert.That(await c.ResumeAsync(), Is.EqualTo("resumed"));
            for (var i = 1; i <= 200; i++)
            {
                var tick = await c.ReceiveAsync();
                Assert.That(tick.Data.GetProperty("n").GetInt32(), Is.EqualTo(i), $"tick {i}");
            }

            Assert.That((await c.ReceiveAsync()).Data.GetInt32(), Is.EqualTo(200));
            await c.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task Drop_WithoutResume_SaysHowToAskForIt()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        Assert.That(c.ResumeOutcome, Is.Null);
        var error = Assert.Throws<InvalidOperationException>(c.Drop);
        Assert.That(error!.Message, Does.Contain("ConsumerConnectOptions.Resume = true"));
        Assert.ThrowsAsync<InvalidOperationException>(() => c.ResumeAsync());
    }

    [Test]
    public async Task ResumeAtAnotherNode_NeedsAConnectionOpenedByUri()
    {
        await using var c = await Host.ConnectAsync("/ws/kit", o => o.Resume = true);
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => c.ResumeAsync(new Uri("ws://127.0.0.1:1/")));
        Assert.That(error!.Message, Does.Contain("opened by URI"));
        Assert.ThrowsAsync<ArgumentNullException>(() => c.ResumeAsync((Uri)null!));
    }
}
