using System.Globalization;
using System.Text.Json.Nodes;
using Consumers.Groups;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>
/// <see cref="DeliveryBatch"/>: group sends made inside one leave together, one write per client (a client of the
/// batch subprotocol sees them as one array frame), in order; batches nest; a failing callback still writes what it
/// held.
/// </summary>
public sealed class DeliveryBatchTests
{
    private const int Lines = 10;

    private static Task<TestHost> StartAsync() => TestHost.StartAsync(app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"));

    [Test]
    public async Task SendsInABatch_LeaveAsOneFrame_InOrder()
    {
        await using var host = await StartAsync();
        await using var client = await ConnectBatchClientAsync(host, "one");
        var sender = host.Services.GetRequiredService<IGroupSender>();

        DeliveryBatch.Run(() => SendRange(sender, "room:one", 0, Lines));

        Assert.That(await ReceiveArrayAsync(client), Is.EqualTo(Numbers(0, Lines)));
    }

    [Test]
    public async Task SendsOutsideABatch_LeaveOnePerFrame()
    {
        // The control: without a batch each send is written at once (nothing else is waiting), so the batch above is
        // what puts them in one frame.
        await using var host = await StartAsync();
        await using var client = await ConnectBatchClientAsync(host, "apart");
        SendRange(host.Services.GetRequiredService<IGroupSender>(), "room:apart", 0, Lines);

        for (var i = 0; i < Lines; i++)
        {
            var node = JsonNode.Parse(await client.ReceiveTextAsync());
            Assert.That(node, Is.InstanceOf<JsonObject>(), $"frame {i}");
            Assert.That(node!["text"]!.GetValue<string>(), Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Test]
    public async Task NestedBatches_WriteOnceTheOutermostEnds()
    {
        await using var host = await StartAsync();
        await using var client = await ConnectBatchClientAsync(host, "nested");
        var sender = host.Services.GetRequiredService<IGroupSender>();

        DeliveryBatch.Run(sender, s =>
        {
            DeliveryBatch.Run(s, inner => SendRange(inner, "room:nested", 0, Lines / 2));
            SendRange(s, "room:nested", Lines / 2, Lines - (Lines / 2));
        });

        Assert.That(await ReceiveArrayAsync(client), Is.EqualTo(Numbers(0, Lines)));
    }

    [Test]
    public async Task CallbackThatThrows_StillWritesWhatItHeld_AndThrows()
    {
        await using var host = await StartAsync();
        await using var client = await ConnectBatchClientAsync(host, "throws");
        var sender = host.Services.GetRequiredService<IGroupSender>();

        Assert.Throws<InvalidOperationException>(() => DeliveryBatch.Run(() =>
        {
            Send(sender, "room:throws", 0);
            Send(sender, "room:throws", 1);
            throw new InvalidOperationException("the app's own failure");
        }));

        Assert.That(await ReceiveArrayAsync(client), Is.EqualTo(Numbers(0, 2)));

        // And this thread is out of the batch: the next send leaves alone, at once.
        Send(sender, "room:throws", 2);
        Assert.That(JsonNode.Parse(await client.ReceiveTextAsync()), Is.InstanceOf<JsonObject>());
    }

    [Test]
    public void NullCallback_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DeliveryBatch.Run(null!));
        Assert.Throws<ArgumentNullException>(() => DeliveryBatch.Run(1, null!));
    }

    private static async Task<TestClient> ConnectBatchClientAsync(TestHost host, string room)
    {
        var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/" + room), o => o.AddSubProtocol("consumers.batch"));
        Assert.That(client.Socket.SubProtocol, Is.EqualTo("consumers.batch"));

        // The consumer joins its groups on connect: a reply proves the joins are done.
        await client.SendAsync("""{"action": "channel", "request_id": "ready"}""");
        Assert.That(JsonNode.Parse(await client.ReceiveTextAsync())!["request_id"]!.GetValue<string>(), Is.EqualTo("ready"));
        return client;
    }

    private static void Send(IGroupSender sender, string group, int i)
    {
        var sending = sender.SendAsync(group, new ChatLine("chat", "app", i.ToString(CultureInfo.InvariantCulture)), RoomJsonContext.Default.ChatLine);
        Assert.That(sending.IsCompletedSuccessfully, Is.True, "the in-memory layer sends synchronously");
    }

    private static void SendRange(IGroupSender sender, string group, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            Send(sender, group, i);
        }
    }

    private static async Task<List<string>> ReceiveArrayAsync(TestClient client)
    {
        var node = JsonNode.Parse(await client.ReceiveTextAsync());
        Assert.That(node, Is.InstanceOf<JsonArray>(), "one frame holding the batch's envelopes");
        return [.. node!.AsArray().Select(e => e!["text"]!.GetValue<string>())];
    }

    private static List<string> Numbers(int from, int count) => [.. Enumerable.Range(from, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
}
