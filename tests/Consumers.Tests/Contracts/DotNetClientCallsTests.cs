using System.Net.WebSockets;
using Consumers.Clients;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Contracts;

/// <summary>
/// Streaming and concurrent actions through the generated .NET client (<c>CallsConsumerClient</c>) against a real
/// Kestrel host: <c>IAsyncEnumerable&lt;T&gt;</c> items then the end, errors as <see cref="ActionReplyException"/>,
/// and <c>$cancel</c> sent when the caller gives up (a loop left early, a cancelled token, the reply timeout), checked
/// on the wire and by the server's cancelled token.
/// </summary>
[TestFixture]
public sealed class DotNetClientCallsTests
{
    private TestHost _host = null!;
    private CallLog _log = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _log = new CallLog();
        _host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<CallsConsumer>("/ws/calls");
                app.MapConsumers("/ws", s => s.Add<CallsConsumer>("calls"));
            },
            o => o.RateLimitPerSecond = 0,
            s => s.AddSingleton(_log).AddSingleton(new ActionGate()));
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    private Task<CallsConsumerClient> ConnectAsync(ConsumerClientOptions? options = null)
        => CallsConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/calls"), options);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Test]
    public async Task Stream_YieldsItsItemsInOrder_ThenEnds()
    {
        await using var client = await ConnectAsync();

        var counted = await ToListAsync(client.CountAsync(2000));
        var none = await ToListAsync(client.CountAsync(0));
        var words = await ToListAsync(client.WordsAsync("a channel reader"));
        var after = await client.QuickAsync("after");

        Assert.Multiple(() =>
        {
            Assert.That(counted, Is.EqualTo(Enumerable.Range(0, 2000)));
            Assert.That(none, Is.Empty);
            Assert.That(words, Is.EqualTo(new[] { "a", "channel", "reader" }));
            Assert.That(after.Data, Is.EqualTo("after"), "calls still work after streams");
        });
    }

    [Test]
    public async Task TwoStreams_AndACall_InterleaveOnOneConnection()
    {
        await using var client = await ConnectAsync();

        var first = ToListAsync(client.CountAsync(500));
        var second = ToListAsync(client.WordsAsync("x y z"));
        var quick = client.QuickAsync("between");

        Assert.Multiple(async () =>
        {
            Assert.That(await first, Is.EqualTo(Enumerable.Range(0, 500)));
            Assert.That(await second, Is.EqualTo(new[] { "x", "y", "z" }));
            Assert.That((await quick).Data, Is.EqualTo("between"));
        });
    }

    [Test]
    public async Task Stream_FailingMidStream_YieldsTheItemsBefore_ThenThrowsActionReplyException()
    {
        await using var client = await ConnectAsync();
        var items = new List<int>();

        var error = Assert.ThrowsAsync<ActionReplyException>(async () =>
        {
            await foreach (var item in client.CountAsync(10, failAt: 3))
            {
                items.Add(item);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(items, Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(error!.Reply.Status, Is.EqualTo(500));
            Assert.That(error.Reply.Action, Is.EqualTo("count"));
            Assert.That(error.Reply.Errors.GetRawText(), Is.EqualTo("""["Internal server error"]"""));
            Assert.That(error.Message, Is.EqualTo("""count failed with 500: ["Internal server error"]"""));
        });
    }

    [Test]
    public async Task Stream_RefusedPastTheCap_Throws429_AndTheRunningStreamsGoOn()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<CallsConsumer>("/ws/calls"),
            o => o.MaxConcurrentStreamsPerConnection = 1,
            s => s.AddSingleton(new CallLog()).AddSingleton(new ActionGate()));
        await using var client = await CallsConsumerClient.ConnectAsync(host.WebSocketUri("/ws/calls"));
        await using var running = client.ForeverAsync("capped").GetAsyncEnumerator();
        Assert.That(await running.MoveNextAsync(), Is.True);

        var refused = Assert.ThrowsAsync<ActionReplyException>(async () => await ToListAsync(client.CountAsync(1)));

        Assert.That(refused!.Reply.Status, Is.EqualTo(429));
        Assert.That(await running.MoveNextAsync(), Is.True, "the running stream is not affected");
    }

    [Test]
    public async Task LeavingTheLoopEarly_SendsCancel_AndTheServersTokenIsCancelled()
    {
        RecordingWebSocket? socket = null;
        await using var client = await ConnectAsync(new ConsumerClientOptions { ConnectSocket = async (uri, ct) => socket = await RecordingWebSocket.ConnectAsync(uri, ct) });

        var seen = 0;
        await foreach (var item in client.ForeverAsync("net-break", new ClientCallOptions { RequestId = "break-1" }))
        {
            Assert.That(item, Is.EqualTo(seen));
            if (++seen == 3)
            {
                break;
            }
        }

        await Eventually.WaitUntilAsync(() => _log.Count("net-break:cancelled") == 1);
        Assert.That(socket!.Sent, Does.Contain("""{"action":"$cancel","request_id":"break-1"}"""));
        Assert.That((await client.QuickAsync("still-open")).Data, Is.EqualTo("still-open"));
    }

    [Test]
    public async Task CancellingAStreamsToken_SendsCancel_AndThrowsOperationCanceled()
    {
        await using var client = await ConnectAsync();
        using var stop = new CancellationTokenSource();
        var items = new List<int>();

        Assert.That(
            async () =>
            {
                await foreach (var item in client.ForeverAsync("net-token").WithCancellation(stop.Token))
                {
                    items.Add(item);
                    if (items.Count == 2)
                    {
                        await stop.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());

        await Eventually.WaitUntilAsync(() => _log.Count("net-token:cancelled") == 1);
        Assert.That(items, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public async Task AStreamSilentPastTheReplyTimeout_ThrowsTimeoutException_AndIsCancelled()
    {
        await using var client = await ConnectAsync(new ConsumerClientOptions { ReplyTimeout = TimeSpan.FromMilliseconds(300) });
        var items = new List<int>();

        Assert.That(
            async () =>
            {
                await foreach (var item in client.StallAsync("net-stall"))
                {
                    items.Add(item);
                }
            },
            Throws.InstanceOf<TimeoutException>());

        Assert.That(items, Is.EqualTo(new[] { 1 }));
        await Eventually.WaitUntilAsync(() => _log.Count("net-stall:cancelled") == 1);
    }

    [Test]
    public async Task CancellingAConcurrentCallsToken_SendsCancel_AndTheActionSeesIt()
    {
        RecordingWebSocket? socket = null;
        await using var client = await ConnectAsync(new ConsumerClientOptions { ConnectSocket = async (uri, ct) => socket = await RecordingWebSocket.ConnectAsync(uri, ct) });
        using var stop = new CancellationTokenSource();

        var call = client.WaitForCancelAsync("net-wait", new ClientCallOptions { RequestId = "wait-1" }, stop.Token);
        await Eventually.WaitUntilAsync(() => _log.Count("net-wait:start") == 1);
        await stop.CancelAsync();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        await Eventually.WaitUntilAsync(() => _log.Count("net-wait:cancelled") == 1);
        Assert.That(socket!.Sent, Does.Contain("""{"action":"$cancel","request_id":"wait-1"}"""));
        Assert.That((await client.QuickAsync("after-cancel")).Data, Is.EqualTo("after-cancel"), "the 499 that follows is dropped, nothing else is disturbed");
    }

    [Test]
    public async Task CancellingAnOrderedCallsToken_SendsNoCancel_AndTheActionRunsOn()
    {
        RecordingWebSocket? socket = null;
        await using var client = await ConnectAsync(new ConsumerClientOptions { ConnectSocket = async (uri, ct) => socket = await RecordingWebSocket.ConnectAsync(uri, ct) });
        using var stop = new CancellationTokenSource();

        var call = client.OrderedAsync("net-ordered", 300, cancellationToken: stop.Token);
        await Eventually.WaitUntilAsync(() => _log.Count("net-ordered:start") == 1);
        await stop.CancelAsync();

        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        await Eventually.WaitUntilAsync(() => _log.Count("net-ordered:end") == 1);
        Assert.That((await client.QuickAsync("after-ordered")).Data, Is.EqualTo("after-ordered"));
        Assert.That(socket!.Sent.Where(f => f.Contains("$cancel", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task AConcurrentCall_PastTheReplyTimeout_IsCancelled()
    {
        await using var client = await ConnectAsync(new ConsumerClientOptions { ReplyTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.That(async () => await client.WaitForCancelAsync("net-timeout"), Throws.InstanceOf<TimeoutException>());

        await Eventually.WaitUntilAsync(() => _log.Count("net-timeout:cancelled") == 1);
    }

    [Test]
    public async Task OnAMultiplexedEndpoint_StreamsAndTheirCancelAreWrapped()
    {
        RecordingWebSocket? socket = null;
        await using var client = await CallsConsumerClient.ConnectAsync(
            _host.WebSocketUri("/ws"),
            new ConsumerClientOptions { Stream = "calls", ConnectSocket = async (uri, ct) => socket = await RecordingWebSocket.ConnectAsync(uri, ct) });

        var counted = await ToListAsync(client.CountAsync(3));
        await foreach (var _ in client.ForeverAsync("net-multiplexed", new ClientCallOptions { RequestId = "mx-1" }))
        {
            break;
        }

        Assert.That(counted, Is.EqualTo(new[] { 0, 1, 2 }));
        await Eventually.WaitUntilAsync(() => _log.Count("net-multiplexed:cancelled") == 1);
        Assert.That(socket!.Sent, Does.Contain("""{"stream":"calls","payload":{"action":"$cancel","request_id":"mx-1"}}"""));
    }

    [Test]
    public async Task TheConnectionEndingMidStream_ThrowsWebSocketException()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<CallsConsumer>("/ws/calls"),
            services: s => s.AddSingleton(new CallLog()).AddSingleton(new ActionGate()));
        await using var client = await CallsConsumerClient.ConnectAsync(host.WebSocketUri("/ws/calls"));
        await using var items = client.StallAsync("dropped").GetAsyncEnumerator();
        Assert.That(await items.MoveNextAsync(), Is.True);

        await host.DisposeAsync();

        Assert.That(async () => await items.MoveNextAsync(), Throws.InstanceOf<WebSocketException>());
    }
}
