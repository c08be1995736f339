using Consumers.Tests.Databases;
using Consumers.Testing.Nats;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>A change saved on node A reaches subscribers on node B through the NATS group layer (nodes sharing a SQLite file, or a PostgreSQL database).</summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
[NonParallelizable]
public sealed class CrossNodeTests(DatabaseKind kind)
{
    [Test]
    public Task ChangeSavedOnNodeA_ReachesASubscriberOnNodeB() => WithTwoNodesAsync(async (hostA, hostB) =>
    {
        await using var watcher = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/messages"));
        await using var poster = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/messages"));
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 1, "request_id": "on-b"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 1, "text": "from a"}""");
        var note = await watcher.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(note["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("on-b"));
            Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("from a"));
        });
    });

    [Test]
    public Task ChangeInSeveralGroups_SavedOnNodeA_ReachesASubscriberOnNodeB_OncePerRequestId() => WithTwoNodesAsync(async (hostA, hostB) =>
    {
        await using var watcher = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/feed"));
        await using var poster = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/messages"));
        await watcher.RequestAsync("""{"action": "follow_room", "room_id": 1, "request_id": "room"}""");
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "news", "request_id": "room"}""");
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "news", "request_id": "topic"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 1, "topic": "news", "text": "both"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 1, "text": "marker"}""");
        var frames = await MultiGroupObserverTests.UntilTextAsync(watcher, "marker");
        Assert.That(frames.Where(f => f["data"]!["text"]!.GetValue<string>() == "both").Select(f => f["request_id"]!.GetValue<string>()).Order(),
            Is.EqualTo(new[] { "room", "topic" }), "one frame per request id across nodes, not one per group: " + string.Join("\n", frames.Select(f => f.ToJsonString())));
    });

    [Test]
    public Task ObjectPermissionsOnNodeB_SeeTheObserversType_ForAChangeSavedOnNodeA() => WithTwoNodesAsync(async (hostA, hostB) =>
    {
        await using var guarded = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/guarded"));
        await using var poster = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/messages"));
        await guarded.RequestAsync("""{"action": "watch", "room_id": 2, "request_id": "on-b"}""");

        // NoSecrets reads a MessageDto (it throws on anything else): the refused one never arrives, the next does.
        await poster.RequestAsync("""{"action": "post", "room_id": 2, "text": "a secret"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 2, "text": "public"}""");
        var note = await guarded.ReceiveAsync();
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("public"));
    });

    [Test]
    public async Task ASaveDuringANatsOutage_AnswersWithin1Second_AndTheSubscriberOnTheOtherNodeGetsItOnceNatsIsBack()
    {
        var directory = Directory.CreateTempSubdirectory("consumers-observers-").FullName;
        var store = Path.Combine(directory, "jetstream");
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartJetStreamAsync(store, port);
        await using var database = await TestDatabase.CreateAsync(kind, "cross-node");
        try
        {
            await using var hostA = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]));
            await using var hostB = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]));
            await using var watcher = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/messages"));
            await using var poster = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/messages"));
            await watcher.RequestAsync("""{"action": "join_room", "room_id": 3, "request_id": "on-b"}""");
            await poster.RequestAsync("""{"action": "post", "room_id": 3, "text": "before"}""");
            Assert.That((await watcher.ReceiveAsync())["data"]!["text"]!.GetValue<string>(), Is.EqualTo("before"));

            await server.KillAsync();
            await server.DisposeAsync();
            await Task.Delay(200);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var reply = await poster.RequestAsync("""{"action": "post", "room_id": 3, "text": "during"}""");
            var took = watch.Elapsed;
            Assert.Multiple(() =>
            {
                Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200), reply.ToJsonString());
                Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(1)), "the save, and its observer's publish, waited for NATS");
            });

            server = await NatsServer.StartJetStreamAsync(store, port);
            var note = await watcher.ReceiveAsync(TimeSpan.FromSeconds(15));
            Assert.Multiple(() =>
            {
                Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("during"));
                Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("on-b"));
            });
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    // Two app nodes over one nats-server, sharing one database.
    private async Task WithTwoNodesAsync(Func<TestHost, TestHost, Task> test)
    {
        await using var database = await TestDatabase.CreateAsync(kind, "cross-node");
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]));
        await using var hostB = await ObserverTests.StartHostAsync(database, c => c.AddNatsGroupLayer(o => o.Urls = [server.Url]));
        await test(hostA, hostB);
    }
}
