using Consumers.Testing.Nats;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests;

/// <summary>Typed group events and sends to a user between two nodes over a real nats-server.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsGroupEventTests
{
    [Test]
    public async Task GroupEvent_SentOnNodeA_RunsTheHandlerOfAMemberOnNodeB()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/events"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/events"));
        var bChannel = (await b.RequestAsync("""{"action": "channel"}"""))["data"]!.GetValue<string>();
        await NatsHosts.ProbeUntilReceivedAsync(a, b);

        await a.SendAsync("""{"action": "shout", "text": "over the wire"}""");
        var line = await UntilAsync(b, f => f["text"]!.GetValue<string>().StartsWith("OVER", StringComparison.Ordinal));
        Assert.That(line["text"]!.GetValue<string>(), Is.EqualTo("OVER THE WIRE at " + bChannel), "node B's member ran its handler");
    }

    [Test]
    public async Task SendToUser_FromNodeA_ReachesEveryConnectionOfTheUser_OnBothNodes_AndNoOneElse()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url, services: s => s.AddTestJwtBearer());
        await using var hostB = await NatsHosts.StartAsync(server.Url, services: s => s.AddTestJwtBearer());
        await using var annOnA = await ConnectAsync(hostA, "ann");
        await using var annOnB = await ConnectAsync(hostB, "ann");
        await using var bobOnB = await ConnectAsync(hostB, "bob");
        var sender = hostA.Services.GetRequiredService<IGroupSender>();

        // Probe until node B's user group has interest on the server, then send the real message.
        var first = annOnB.ReceiveAsync(TimeSpan.FromSeconds(15));
        for (var i = 0; !first.IsCompleted && i < 150; i++)
        {
            await sender.SendToUserAsync("ann", new Line("server", "probe"), LineJson.Default.Line);
            await Task.WhenAny(first, Task.Delay(100));
        }

        await first;
        await sender.SendToUserAsync("ann", new Line("server", "for ann"), LineJson.Default.Line);
        var atA = await UntilAsync(annOnA, f => f["text"]!.GetValue<string>() == "for ann");
        var atB = await UntilAsync(annOnB, f => f["text"]!.GetValue<string>() == "for ann");
        Assert.Multiple(() =>
        {
            Assert.That(atA["from"]!.GetValue<string>(), Is.EqualTo("server"), "ann's connection on the sending node");
            Assert.That(atB["from"]!.GetValue<string>(), Is.EqualTo("server"), "ann's connection on the other node");
        });

        var next = await bobOnB.RequestAsync("""{"action": "channel", "request_id": "next"}""");
        Assert.That(next["request_id"]!.GetValue<string>(), Is.EqualTo("next"), "bob got none of ann's messages");
    }

    private static Task<TestClient> ConnectAsync(TestHost host, string user)
        => TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/users?access_token=" + TestJwt.Issue(user)));

    private static async Task<System.Text.Json.Nodes.JsonObject> UntilAsync(TestClient client, Func<System.Text.Json.Nodes.JsonObject, bool> match)
    {
        while (true)
        {
            var frame = await client.ReceiveAsync();
            if (frame["text"] is not null && match(frame))
            {
                return frame;
            }
        }
    }
}
