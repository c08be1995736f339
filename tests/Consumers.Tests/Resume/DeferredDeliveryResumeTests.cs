using System.Globalization;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Resume;

/// <summary>
/// Group messages that arrive while an action runs on a resumable connection wait for its reply (as on any
/// connection), then leave in the order they came, numbered as they leave: a drop and a resume afterwards gives every
/// one once, in order, after the reply.
/// </summary>
public sealed class DeferredDeliveryResumeTests
{
    [Test]
    public async Task DeliveriesHeldForARunningAction_LeaveAfterItsReply_AndResumeOnceInOrder()
    {
        var gate = new ActionGate();
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<HoldingConsumer>("/ws/hold/{room}"),
            configure: null,
            services: s => s.AddSingleton(gate));
        await using var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/hold/r"));
        await client.ReadResumeAsync();
        await using var watcher = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/r"));

        // The action has said its line (the watcher sees it) and waits: what is sent now waits for its reply.
        await client.SendAsync("""{"action": "say_then_wait", "text": "mine", "request_id": "held"}""");
        Assert.That((await watcher.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("mine"));
        var sender = host.Services.GetRequiredService<IGroupSender>();
        for (var i = 0; i < 30; i++)
        {
            await sender.SendAsync("room:r", Line(i), RoomJsonContext.Default.ChatLine);
        }

        gate.Open();
        for (var i = 30; i < 60; i++)
        {
            await sender.SendAsync("room:r", Line(i), RoomJsonContext.Default.ChatLine);
        }

        // The reply first, then the action's own line and the others, in the order they were sent.
        var expected = new List<string> { "reply", "mine" };
        expected.AddRange(Enumerable.Range(0, 60).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var received = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            received.Add(Describe(await client.ReceiveAsync()));
        }

        client.Drop();
        Assert.That((await client.ReconnectAsync())["resume"]!.GetValue<string>(), Is.EqualTo("resumed"));
        while (received.Count < expected.Count)
        {
            received.Add(Describe(await client.ReceiveAsync()));
        }

        Assert.That(received, Is.EqualTo(expected));

        // Nothing twice: next come the reply to a new call and its line (held for the reply).
        await client.SendAsync("""{"action": "say", "text": "after", "request_id": "next"}""");
        Assert.That(new[] { Describe(await client.ReceiveAsync()), Describe(await client.ReceiveAsync()) }, Is.EqualTo(new[] { "reply", "after" }));
    }

    private static ChatLine Line(int i) => new("chat", "server", i.ToString(CultureInfo.InvariantCulture));

    private static string Describe(System.Text.Json.Nodes.JsonObject frame)
        => frame["request_id"] is not null ? "reply" : frame["text"]!.GetValue<string>();
}
