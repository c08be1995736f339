using Consumers.Testing.Nats;
using System.Net;
using System.Text.Json.Nodes;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Consumers.Nats.Tests;

/// <summary>
/// End to end over a real nats-server: two Kestrel app hosts in one process, each with the NATS group layer
/// (Consumers.Nats), WebSocket clients on both.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsGroupLayerTests
{
    [Test]
    public async Task GroupSend_OnHostA_ReachesAClientOnHostB()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/r1"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/r1"));

        await a.SendAsync("""{"action": "say", "text": "across", "request_id": 1}""");
        var atB = await b.ReceiveAsync();

        // The reply leaves before what the action's group send delivers to the sender itself.
        var reply = await a.ReceiveAsync();
        var atA = await a.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(atB["text"]!.GetValue<string>(), Is.EqualTo("across"));
            Assert.That(atA["text"]!.GetValue<string>(), Is.EqualTo("across"), "the sender's own node delivers locally");
        });
    }

    [Test]
    public async Task ExcludeSelf_HoldsAcrossNodes()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/r2"));
        await using var a2 = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/r2"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/r2"));

        await a.RequestAsync("""{"action": "say", "text": "not me", "exclude_self": true}""");
        Assert.Multiple(async () =>
        {
            Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("not me"));
            Assert.That((await a2.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("not me"));
        });
        await AssertNothingPendingAsync(a);
    }

    [Test]
    public async Task SendToChannel_ReachesAConsumerOnAnotherNode()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/x"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/y"));
        var channel = (await b.RequestAsync("""{"action": "channel"}"""))["data"]!.GetValue<string>();

        await a.RequestAsync($$"""{"action": "whisper", "channel": "{{channel}}", "text": "psst"}""");
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("psst"));
    }

    [Test]
    public async Task DroppedSocket_LeavesItsGroups_AndTheNodeDropsItsSubscription()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/gone"));
        var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/gone"));
        var layerB = hostB.Layer();
        Assert.That(layerB.SubscribedGroups, Does.Contain("room:gone"));

        b.Socket.Abort();
        b.Socket.Dispose();
        await Eventually.WaitUntilAsync(() => !layerB.SubscribedGroups.Contains("room:gone"));
        Assert.That(hostB.Services.GetRequiredService<LocalGroups>().HasMembers("room:gone"), Is.False);

        // The other node still sends to the group; nobody on B is left to receive it, and A's member still is.
        var reply = await a.RequestAsync("""{"action": "say", "text": "still here"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        var atA = await a.ReceiveAsync();
        Assert.That(atA["text"]!.GetValue<string>(), Is.EqualTo("still here"));
    }

    [Test]
    public async Task AppNodesOnDifferentServersOfACluster_ExchangeGroupMessages()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var hostA = await NatsHosts.StartAsync(cluster.Nodes[0].Url);
        await using var hostB = await NatsHosts.StartAsync(cluster.Nodes[1].Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/c"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/c"));

        // Interest crosses the cluster's routes asynchronously (median ~270 µs, up to tens of ms): probe until B's subscription is known on A's server.
        var text = await NatsHosts.ProbeUntilReceivedAsync(a, b);
        Assert.That(text, Does.StartWith("probe"));
    }

    [Test]
    public async Task AfterTheServerRestarts_GroupMessagesFlowAgain()
    {
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartAsync(port: port);
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/restart"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/restart"));

        await server.KillAsync();
        await server.DisposeAsync();
        await using var restarted = await NatsServer.StartAsync(port: port);

        // Both nodes reconnect and re-subscribe on their own schedule: probe until a message crosses again.
        var text = await NatsHosts.ProbeUntilReceivedAsync(a, b);
        Assert.That(text, Does.StartWith("probe"));
    }

    [TestCase("lobby", "consumers.g.lobby")]
    [TestCase("chat.lobby", "consumers.g.chat%2Elobby")]
    [TestCase("room:42", "consumers.g.room:42")]
    public void GroupNames_MapToOneSubjectToken(string group, string subject)
        => Assert.That(new NatsSubjects("consumers").ForGroup(group), Is.EqualTo(subject));

    [Test]
    public void EveryValidGroupName_MapsToAValidSubject()
    {
        const string alphabet = "abcXYZ019-_.:";
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var name = new string(Enumerable.Range(0, random.Next(1, GroupName.MaxLength + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.That(GroupName.IsValid(name), Is.True);
            var subject = new NatsSubjects("consumers").ForGroup(name);
            // A valid NATS subject: ASCII, no whitespace, no wildcard tokens, no empty token.
            Assert.That(subject.All(c => c is > ' ' and < (char)127 && c is not ('*' or '>')), Is.True, $"{name} → {subject}");
            Assert.That(subject.Split('.'), Has.Length.EqualTo(3).And.All.Not.Empty, $"{name} → {subject} is one token after the prefix");
        }
    }

    private static async Task AssertNothingPendingAsync(TestClient client)
    {
        var reply = await client.RequestAsync("""{"action": "channel", "request_id": "probe"}""");
        Assert.That(reply["request_id"]?.GetValue<string>(), Is.EqualTo("probe"), "no group message was pending: " + reply.ToJsonString());
    }
}
