using System.Net.WebSockets;
using Consumers.Protocol;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Resume;

/// <summary>
/// Recovery on another node where it cannot be: with the in-memory group layer (a node that is gone takes its messages
/// with it) a client that comes back to another node with its token and position vector gets a fresh session, logged;
/// and the position vector's reading (<see cref="OriginFrames.ReadPositions"/>) refuses what is not a vector.
/// </summary>
public sealed class CrossNodeFreshTests
{
    [Test]
    public async Task WithTheInMemoryLayer_AnotherNodeGivesAFreshSession_Logged_AndNoOriginFrames()
    {
        var keys = Directory.CreateTempSubdirectory("consumers-keys-").FullName;
        try
        {
            IDataProtectionProvider Keys() => DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("consumers-fresh-tests"));
            _ = Keys().CreateProtector("warm-up").Protect("x"u8.ToArray());
            var providerA = Keys();
            var providerB = Keys();
            await using var hostA = await TestHost.StartAsync(app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"), services: s => s.AddSingleton(providerA));
            await using var hostB = await TestHost.StartAsync(app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"), services: s => s.AddSingleton(providerB));
            await using var client = await ResumeClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/mem"));
            await client.ReadResumeAsync();
            await using var sender = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/mem"));
            await sender.SendAsync("""{"action": "say", "text": "x"}""");
            Assert.That((await client.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("x"));
            Assert.That(client.Origins, Is.Zero, "the in-memory layer sets no origins: no $origin frames");
            client.Drop();

            var answer = await client.RecoverAsync(hostB.WebSocketUri("/ws/rooms/mem"), "[]", 100);
            Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("fresh"));
            Assert.That(CapturingLoggerProvider.Instance.Entries.Where(e => e.EventId.Name == "RecoveryRefused").Select(e => e.Message),
                Has.Some.Contains("the group layer keeps no messages to replay"));
            await client.SendAsync("""{"action": "groups", "request_id": 1}""");
            Assert.That((await client.ReceiveAsync())["data"]!.GetValue<string>(), Is.EqualTo("lobby,room:mem"), "a fresh consumer on node B");
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Test]
    public void Positions_AreRead_PerStreamGroupAndNode_KeepingTheHighestSeq()
    {
        var positions = OriginFrames.ReadPositions("""[["room:a","n1",5],["room:a","n1",3],["room:a","n2",9],["room:a","n1",7,"chat"]]""", out var error);
        Assert.That(error, Is.Null);
        Assert.That(positions![("", "room:a")], Is.EqualTo(new Dictionary<string, long> { ["n1"] = 5, ["n2"] = 9 }));
        Assert.That(positions[("chat", "room:a")], Is.EqualTo(new Dictionary<string, long> { ["n1"] = 7 }));
        Assert.That(OriginFrames.ReadPositions("", out _), Is.Empty);
    }

    [TestCase("[1]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("[[\"\",\"n\",1]]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("[[\"g\",\"n\",1.5]]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("[[\"g\",\"n\",-1]]", "a position is not [group, node, seq(, stream)]")]
    [TestCase("[[\"g\",\"n\",1,2]]", "a position has more than four elements")]
    [TestCase("[] []", "the positions are not valid JSON")]
    [TestCase("\"x\"", "the positions are not a JSON array")]
    public void MalformedPositions_AreRefused_WithWhy(string text, string why)
    {
        Assert.That(OriginFrames.ReadPositions(text, out var error), Is.Null);
        Assert.That(error, Does.StartWith(why));
    }

    [Test]
    public void MorePositionsThanAllowed_AreRefused()
    {
        var text = "[" + string.Join(',', Enumerable.Range(0, OriginFrames.MaxPositions + 1).Select(i => $"[\"g\",\"n{i}\",1]")) + "]";
        Assert.That(OriginFrames.ReadPositions(text, out var error), Is.Null);
        Assert.That(error, Is.EqualTo($"more than {OriginFrames.MaxPositions} positions"));
    }

    [Test]
    public void TheOriginFrame_HasItsBytes()
    {
        Assert.That(System.Text.Encoding.UTF8.GetString(OriginFrames.Origin("room:lobby", "abc123defg", 42, 1, null)),
            Is.EqualTo("""{"action":"$origin","group":"room:lobby","node":"abc123defg","seq":42,"frames":1}"""));
        Assert.That(System.Text.Encoding.UTF8.GetString(OriginFrames.Origin("room:lobby", "abc123defg", 7, 0, "chat")),
            Is.EqualTo("""{"action":"$origin","stream":"chat","group":"room:lobby","node":"abc123defg","seq":7,"frames":0}"""));
    }
}
