using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>Connection lifecycle, routing, DI scopes, concurrency and slow clients over real sockets.</summary>
[TestFixture]
public sealed class ConnectionTests
{
    private static async Task<TestHost> StartAsync(Action<ConsumerOptions>? configure = null)
        => await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<LifecycleConsumer>("/ws/rooms/{room}");
                app.MapConsumer<EchoConsumer>("/ws/echo");
            },
            configure,
            services => services.AddSingleton<LifecycleLog>().AddScoped<Counter>());

    [Test]
    public async Task RouteValues_ReachTheConsumer()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/lobby"));
        var reply = await client.RequestAsync("""{"action": "room"}""");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("lobby"));
    }

    [Test]
    public async Task RefusingOnConnect_AnswersTheHandshakeWith403_AndAcceptsNoSocket()
    {
        await using var host = await StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(host.WebSocketUri("/ws/rooms/lobby?refuse=1"), CancellationToken.None));
        Assert.That(socket.HttpStatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(host.Services.GetRequiredService<LifecycleLog>().Connected, Is.Empty);
    }

    [Test]
    public async Task PlainHttpRequest_ToAConsumerEndpoint_Gets400()
    {
        await using var host = await StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var response = await http.GetAsync("/ws/echo");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ClientClose_RunsOnDisconnectOnce_WithTheClientsStatus()
    {
        await using var host = await StartAsync();
        var log = host.Services.GetRequiredService<LifecycleLog>();
        var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/a"));
        var id = (await client.RequestAsync("""{"action": "id"}"""))["data"]!.GetValue<string>();
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await client.DisposeAsync();

        var disconnects = await Eventually.WaitForAsync(() => log.Disconnected.Where(d => d.Id == id).ToList(), l => l.Count > 0);
        await Task.Delay(100);
        Assert.Multiple(() =>
        {
            Assert.That(log.Disconnected.Count(d => d.Id == id), Is.EqualTo(1), "exactly once");
            Assert.That(disconnects[0].Status, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
            Assert.That(disconnects[0].Aborted, Is.True, "ConnectionAborted is cancelled before the hook runs");
        });
    }

    [Test]
    public async Task DroppedSocket_RunsOnDisconnectOnce_AndCancelsRunningActions()
    {
        await using var host = await StartAsync();
        var log = host.Services.GetRequiredService<LifecycleLog>();
        var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/a"));
        var id = (await client.RequestAsync("""{"action": "id"}"""))["data"]!.GetValue<string>();
        await client.SendAsync("""{"action": "wait_for_disconnect"}""");
        await Task.Delay(50);
        client.Socket.Abort();
        client.Socket.Dispose();

        var disconnects = await Eventually.WaitForAsync(() => log.Disconnected.Where(d => d.Id == id).ToList(), l => l.Count > 0);
        Assert.Multiple(() =>
        {
            Assert.That(disconnects, Has.Count.EqualTo(1));
            Assert.That(disconnects[0].Status, Is.Null, "no close status when the socket drops");
            Assert.That(log.CancelledActions, Does.Contain(id), "the action's CancellationToken was cancelled");
        });
    }

    [Test]
    public async Task HostShutdown_ClosesClientsWith1001()
    {
        var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await client.RequestAsync("""{"action": "add", "a": 1, "b": 1}""");
        var stopping = host.DisposeAsync().AsTask();
        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        await stopping;
    }

    [Test]
    public async Task TwoHundredConcurrentConnections_AreEachServed()
    {
        await using var host = await StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"))));
        try
        {
            var replies = await Task.WhenAll(clients.Select((c, i) => c.RequestAsync($$"""{"action": "add", "a": {{i}}, "b": 1, "request_id": {{i}}}""")));
            Assert.That(replies.Select(r => r["data"]!.GetValue<int>()), Is.EqualTo(Enumerable.Range(1, 200)));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Test]
    public async Task ClientThatStopsReading_IsClosed_AndDoesNotSlowOtherClients()
    {
        await using var host = await StartAsync(o => o.SendQueueCapacity = 16);
        long queueFull = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Consumers" && instrument.Name == "consumers.connections.send_queue_full")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref queueFull, value));
        listener.Start();

        await using var slow = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/a"));
        await using var other = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));

        // The slow client asks for far more frames than its queue and the socket buffers hold, and never reads.
        await slow.SendAsync("""{"action": "push", "count": 200000}""");
        for (var i = 0; i < 50; i++)
        {
            var reply = await other.RequestAsync($$"""{"action": "add", "a": {{i}}, "b": 0}""");
            Assert.That(reply["data"]!.GetValue<int>(), Is.EqualTo(i));
        }

        await Eventually.WaitForAsync(() => Interlocked.Read(ref queueFull), n => n > 0);
        var status = await DrainUntilClosedAsync(slow.Socket);
        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation).Or.Null, "closed with 1008 (or aborted if the close frame could not be written)");
    }

    private static async Task<WebSocketCloseStatus?> DrainUntilClosedAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return result.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return null;
        }
    }
}
