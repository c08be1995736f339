using System.Globalization;
using System.Text.Json.Nodes;
using Consumers.Tests.Databases;
using Consumers.Testing.Nats;
using Consumers.Tests.Infrastructure;
using Consumers.Tests.Resume;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>
/// Observer notifications travel as group messages, so recovery on another node replays them too (docs/protocol.md,
/// "Recovery on another node"): a subscriber on node A whose node dies comes back to node B, re-sends its subscribing
/// call, and gets every notification it missed once, in order, then the live ones.
/// </summary>
[TestFixture(DatabaseKind.Sqlite)]
[NonParallelizable]
public sealed class RecoveryTests(DatabaseKind kind)
{
    [Test]
    public async Task ASubscriberRecoveredOnNodeB_GetsTheNotificationsItMissed_OnceInOrder()
    {
        var directory = Directory.CreateTempSubdirectory("consumers-recovery-").FullName;
        await using var server = await NatsServer.StartJetStreamAsync(Path.Combine(directory, "jetstream"));
        await using var database = await TestDatabase.CreateAsync(kind, "recovery");
        var keys = new DirectoryInfo(Path.Combine(directory, "keys"));
        IDataProtectionProvider Keys() => DataProtectionProvider.Create(keys, b => b.SetApplicationName("consumers-observer-recovery"));
        _ = Keys().CreateProtector("warm-up").Protect("x"u8.ToArray());
        var providerA = Keys();
        var providerB = Keys();
        var hostA = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]), moreServices: s => s.AddSingleton(providerA));
        try
        {
            await using var hostB = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]), moreServices: s => s.AddSingleton(providerB));
            await using var watcher = await ResumeClient.ConnectAsync(hostA.WebSocketUri("/ws/messages"));
            await watcher.ReadResumeAsync();
            const string Join = """{"action": "join_room", "room_id": 7, "request_id": "w"}""";
            await watcher.SendAsync(Join);
            Assert.That((await watcher.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            await using var poster = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/messages"));
            var texts = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                await Post(poster, i);
            }

            while (texts.Count < 5)
            {
                Collect(await watcher.ReceiveAsync(), texts);
            }

            // Node A dies with the subscriber's session; meanwhile ten more messages are posted on node B.
            watcher.Drop();
            await hostA.DisposeAsync();
            hostA = null;
            for (var i = 5; i < 15; i++)
            {
                await Post(poster, i);
            }

            var answer = await watcher.RecoverAsync(hostB.WebSocketUri("/ws/messages"));
            Assert.That(answer["resume"]!.GetValue<string>(), Is.EqualTo("recovered"), answer.ToJsonString());

            // The client re-sends its subscribing call, as the generated clients do after "recovered".
            await watcher.SendAsync(Join);
            await Post(poster, 15);
            while (texts.Count < 16)
            {
                Collect(await watcher.ReceiveAsync(TimeSpan.FromSeconds(15)), texts);
            }

            await watcher.SendAsync("""{"action": "join_room", "room_id": 7, "request_id": "barrier"}""");
            while (true)
            {
                var frame = await watcher.ReceiveAsync();
                if (frame["request_id"]?.GetValue<string>() == "barrier")
                {
                    break;
                }

                Collect(frame, texts);
            }

            Assert.That(texts, Is.EqualTo(Enumerable.Range(0, 16).Select(i => "m" + i.ToString(CultureInfo.InvariantCulture))), "every notification once, in order");
        }
        finally
        {
            if (hostA is not null)
            {
                await hostA.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task Post(TestClient poster, int i)
    {
        var reply = await poster.RequestAsync($$"""{"action": "post", "room_id": 7, "text": "m{{i}}"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200), reply.ToJsonString());
    }

    // A notification of the subscription "w" (the replies to the subscribing calls are not).
    private static void Collect(JsonObject frame, List<string> texts)
    {
        if (frame["request_id"]?.GetValue<string>() == "w" && frame["action"]?.GetValue<string>() == "create")
        {
            texts.Add(frame["data"]!["text"]!.GetValue<string>());
        }
    }
}
