using System.Text.Json.Nodes;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>
/// The opt-in <c>consumers.batch</c> subprotocol: a client that offers it may receive several envelopes in one frame
/// (a JSON array); a client that does not keeps exactly one JSON object per frame.
/// </summary>
public sealed class BatchSubprotocolTests
{
    private const int Count = 3000;

    [Test]
    public async Task ClientOfferingBatch_GetsTheSubprotocol_AndEveryEnvelopeOnce_InOrder_SomeSharingAFrame()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/batch"), o => o.AddSubProtocol("consumers.batch"));
        Assert.That(client.Socket.SubProtocol, Is.EqualTo("consumers.batch"));

        await client.SendAsync($$"""{"action": "push", "count": {{Count}}, "request_id": "p"}""");
        var envelopes = new List<JsonObject>();
        var frames = 0;
        var arrays = 0;
        while (envelopes.Count < Count + 1)
        {
            var node = JsonNode.Parse(await client.ReceiveTextAsync());
            frames++;
            if (node is JsonArray array)
            {
                arrays++;
                Assert.That(array, Has.Count.GreaterThan(1), "an array frame carries several envelopes");
                envelopes.AddRange(array.Select(e => e!.AsObject()));
            }
            else
            {
                envelopes.Add(node!.AsObject());
            }
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.That((envelopes[i]["count"] ?? envelopes[i]["Count"])!.GetValue<int>(), Is.EqualTo(i), $"envelope {i}");
        }

        Assert.That(envelopes[Count]["request_id"]!.GetValue<string>(), Is.EqualTo("p"), "the reply follows what the action queued");
        Assert.That(arrays, Is.GreaterThan(0), "queued envelopes share frames");
        Assert.That(frames, Is.LessThan(Count), "fewer frames than envelopes");

        // Nothing is sent twice: the next frame is the reply to the next request.
        await client.SendAsync("""{"action": "push", "count": 0, "request_id": "q"}""");
        var next = JsonNode.Parse(await client.ReceiveTextAsync());
        Assert.That(next!["request_id"]!.GetValue<string>(), Is.EqualTo("q"));
    }

    [Test]
    public async Task ClientNotOfferingBatch_GetsOneObjectPerFrame()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/plain"));
        Assert.That(client.Socket.SubProtocol, Is.Null.Or.Empty);

        await client.SendAsync($$"""{"action": "push", "count": {{Count}}, "request_id": "p"}""");
        for (var i = 0; i <= Count; i++)
        {
            var text = await client.ReceiveTextAsync();
            Assert.That(text, Does.StartWith("{"), $"frame {i} is one object");
        }
    }

    [Test]
    public async Task ClientOfferingOtherSubprotocolsOnly_IsNotBatched()
    {
        await using var host = await StartAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-ws");
        await socket.ConnectAsync(host.WebSocketUri("/ws/rooms/other"), CancellationToken.None);
        Assert.That(socket.SubProtocol, Is.Null.Or.Empty, "the server accepts only the subprotocol it knows");
        await using var client = TestClient.Wrap(socket);
        await client.SendAsync("""{"action": "push", "count": 50, "request_id": "p"}""");
        for (var i = 0; i <= 50; i++)
        {
            Assert.That(await client.ReceiveTextAsync(), Does.StartWith("{"));
        }
    }

    private static Task<TestHost> StartAsync() => TestHost.StartAsync(
        app => app.MapConsumer<LifecycleConsumer>("/ws/rooms/{room}"),
        o => o.SendQueueCapacity = 8192,
        services => services.AddSingleton<LifecycleLog>().AddScoped<Counter>());
}
