using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>The communicator's streams and <c>$cancel</c>: <c>ReceiveStreamAsync</c> and <c>CancelAsync</c> over a TestServer.</summary>
[TestFixture]
public sealed class StreamTests : KitFixture
{
    private static async Task<List<T?>> ToListAsync<T>(IAsyncEnumerable<T?> items)
    {
        var list = new List<T?>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Test]
    public async Task ReceiveStreamAsync_YieldsTheItems_UntilTheEndFrame()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");
        await c.SendAsync("""{"action": "ticks", "count": 3, "request_id": "t1"}""");
        await c.SendAsync("""{"action": "ticks", "count": 2, "request_id": 9}""");
        await c.SendAsync("""{"action": "ticks", "count": 0, "request_id": "z"}""");

        var byString = await ToListAsync(c.ReceiveStreamAsync("t1", KitJson.Default.Tick));
        var byNumber = await ToListAsync(c.ReceiveStreamAsync(9, KitJson.Default.Tick));
        var empty = await ToListAsync(c.ReceiveStreamAsync("z", KitJson.Default.Tick));

        Assert.Multiple(() =>
        {
            Assert.That(byString, Is.EqualTo(new[] { new Tick(1), new Tick(2), new Tick(3) }));
            Assert.That(byNumber, Is.EqualTo(new[] { new Tick(1), new Tick(2) }));
            Assert.That(empty, Is.Empty);
        });
    }

    [Test]
    public async Task ReceiveStreamAsync_LeavesOtherFramesUnread()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");
        await c.SendAsync("""{"action": "ping", "request_id": "p"}""");
        await c.SendAsync("""{"action": "ticks", "count": 2, "request_id": "t"}""");
        await c.SendAsync("""{"action": "ping", "request_id": "q"}""");

        var ticks = await ToListAsync(c.ReceiveStreamAsync("t", KitJson.Default.Tick));
        var first = await c.ReceiveAsync();
        var second = await c.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ticks, Has.Count.EqualTo(2));
            Assert.That(new[] { first, second }.Select(e => e.RequestId.GetString()), Is.EquivalentTo(new[] { "p", "q" }));
        });
    }

    [Test]
    public async Task ReceiveStreamAsync_EndingWithAnError_ThrowsWithTheStatusAndErrors_AfterTheItemsBefore()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");
        await c.SendAsync("""{"action": "ticks", "count": 5, "fail_at": 3, "request_id": "f"}""");
        var items = new List<Tick?>();

        var error = Assert.ThrowsAsync<ConsumerAssertionException>(async () =>
        {
            await foreach (var tick in c.ReceiveStreamAsync("f", KitJson.Default.Tick))
            {
                items.Add(tick);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(items, Is.EqualTo(new[] { new Tick(1), new Tick(2) }));
            Assert.That(error!.Message, Does.StartWith("The stream with request_id \"f\" ended with 500 (Internal server error) after 2 item(s)"));
        });
    }

    [Test]
    public async Task ReceiveStreamAsync_WhenNoFrameComes_ThrowsTimeoutException()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");

        var error = Assert.ThrowsAsync<TimeoutException>(async () => await ToListAsync(c.ReceiveStreamAsync("nothing", KitJson.Default.Tick, TimeSpan.FromMilliseconds(100))));

        Assert.That(error!.Message, Does.Contain("frame of the stream with request_id \"nothing\" (after 0 item(s))"));
    }

    [Test]
    public async Task CancelAsync_EndsARunningStream_WithItsEndFrame()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");
        await c.SendAsync("""{"action": "endless", "request_id": "e"}""");
        var items = new List<int>();

        await foreach (var item in c.ReceiveStreamAsync("e", KitJson.Default.Int32))
        {
            items.Add(item);
            if (items.Count == 2)
            {
                await c.CancelAsync("e");
            }
        }

        Assert.That(items, Has.Count.GreaterThanOrEqualTo(2), "the items sent before the cancel arrived, then the 204 end");
        Assert.That(items, Is.EqualTo(Enumerable.Range(0, items.Count)));
    }

    [Test]
    public async Task CancelAsync_OfARunningConcurrentAction_Gets499()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");
        await c.SendAsync("""{"action": "wait", "request_id": 5}""");
        // The ordered request behind it is answered once the concurrent action has started.
        await c.RequestAsync("""{"action": "ping", "request_id": "after"}""");

        await c.CancelAsync(5);
        var reply = await c.ReceiveAsync(e => e.HasRequestId(5), "the cancelled call's reply");

        Assert.Multiple(() =>
        {
            Assert.That(reply.ResponseStatus, Is.EqualTo(499));
            Assert.That(reply.Action, Is.EqualTo("wait"));
            Assert.That(reply.ErrorMessages, Is.EqualTo(new[] { "The call was cancelled." }));
        });
    }

    [Test]
    public async Task CancelAsync_OfNothingRunning_IsAnsweredWith404()
    {
        await using var c = await Host.ConnectAsync("/ws/kit-stream");

        await c.CancelAsync("ghost");
        var reply = await c.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reply.Action, Is.EqualTo("$cancel"));
            Assert.That(reply.ResponseStatus, Is.EqualTo(404));
            Assert.That(reply.HasRequestId("ghost"), Is.True);
            Assert.That(reply.ErrorMessages, Is.EqualTo(new[] { "No running call has this request_id." }));
        });
    }

    [Test]
    public async Task CancelAsync_OnAMultiplexedEndpoint_WrapsTheFrameInItsStream()
    {
        await using var c = await Host.ConnectAsync("/ws/multiplexed-stream");
        await c.SendAsync("""{"stream": "calls", "payload": {"action": "endless", "request_id": "m"}}""");
        var items = new List<int>();

        await foreach (var item in c.ReceiveStreamAsync("m", KitJson.Default.Int32))
        {
            items.Add(item);
            if (items.Count == 1)
            {
                await c.CancelAsync("m", stream: "calls");
            }
        }

        await c.CancelAsync("m", stream: "calls");
        var late = await c.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(items, Is.Not.Empty);
            Assert.That(late.Stream, Is.EqualTo("calls"), "the second cancel finds nothing: its 404 comes back in the stream");
            Assert.That((late.Action, late.ResponseStatus), Is.EqualTo(("$cancel", (int?)404)));
        });
    }

    [Test]
    public async Task GeneratedClient_OverTheInProcessSocket_StreamsItems_AndCancelsAConcurrentCall()
    {
        await using var client = await Host.ConnectClientAsync<KitStreamConsumerClient>("/ws/kit-stream");
        using var stop = new CancellationTokenSource();

        var ticks = new List<Tick>();
        await foreach (var tick in client.TicksAsync(3))
        {
            ticks.Add(tick);
        }

        var waiting = client.WaitAsync(cancellationToken: stop.Token);
        await stop.CancelAsync();

        Assert.That(ticks, Is.EqualTo(new[] { new Tick(1), new Tick(2), new Tick(3) }));
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await client.PingAsync()).Data, Is.EqualTo(1));
    }
}
