using System.Text.Json.Nodes;
using Consumers.Tests.Databases;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>[ModelObserver] with EF Core (SQLite, and PostgreSQL) as the change source, over real sockets.</summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
public sealed class ObserverTests(DatabaseKind kind) : ObserverHostFixture(kind)
{
    internal static async Task<TestHost> StartHostAsync(TestDatabase database, Action<Hosting.ConsumersBuilder>? consumers = null, Action<ConsumerOptions>? configure = null, Action<IServiceCollection>? moreServices = null)
    {
        var host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<MessageConsumer>("/ws/messages");
                app.MapConsumer<GuardedConsumer>("/ws/guarded");
                app.MapConsumer<FeedConsumer>("/ws/feed");
            },
            configure,
            services: services =>
            {
                services.AddDbContext<ChatDb>((sp, o) => database.Use(o).AddModelObservers(sp));
                services.AddTestJwtBearer();   // ?access_token= names a user; without one, a connection is anonymous
                moreServices?.Invoke(services);
            },
            consumers: consumers);
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChatDb>().Database.EnsureCreatedAsync();
        return host;
    }

    [Test]
    public async Task Create_IsPushedToTheRoomsSubscribers_WithTheirRequestId()
    {
        await using var watcher = await ConnectAsync();
        await using var poster = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 1, "request_id": "watch-1"}""");

        var pk = (await poster.RequestAsync("""{"action": "post", "room_id": 1, "text": "hello"}"""))["data"]!.GetValue<int>();
        var note = await watcher.ReceiveAsync();
        Assert.That(note.ToJsonString(), Is.EqualTo($$"""{"errors":[],"data":{"pk":{{pk}},"room_id":1,"text":"hello"},"action":"create","response_status":200,"request_id":"watch-1"}"""));
    }

    [Test]
    public async Task OtherRooms_AreNotPushed()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 1, "request_id": 1}""");
        await watcher.RequestAsync("""{"action": "post", "room_id": 2, "text": "elsewhere"}""");
        var reply = await watcher.RequestAsync("""{"action": "post", "room_id": 1, "text": "here", "request_id": "p"}""");
        Assert.That(reply["action"]!.GetValue<string>(), Is.EqualTo("post"));
        var note = await watcher.ReceiveAsync();
        Assert.That(note["action"]!.GetValue<string>(), Is.EqualTo("create"), "the first notification after the two posts is room 1's");
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("here"));
    }

    [Test]
    public async Task OwnChange_TheActionsReplyLeavesBeforeTheNotificationItCaused()
    {
        // As in Channels (a group message is handled after the handler that caused it returns) and as DCRF front ends
        // expect: the saver's reply first, then its own subscription's notification.
        await using var client = await ConnectAsync();
        await client.RequestAsync("""{"action": "join_room", "room_id": 9, "request_id": "watch"}""");
        for (var i = 0; i < 5; i++)
        {
            var reply = await client.RequestAsync($$"""{"action": "post", "room_id": 9, "text": "mine {{i}}", "request_id": "post-{{i}}"}""");
            Assert.That(reply["action"]!.GetValue<string>(), Is.EqualTo("post"));
            Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo($"post-{i}"));
            var note = await client.ReceiveAsync();
            Assert.That(note["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("watch"));
            Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo($"mine {i}"));
        }
    }

    [Test]
    public async Task SubscribingInAConcurrentAction_ItsReplyLeavesBeforeTheFirstNotification_WhileTheConnectionGoesOn()
    {
        await using var watcher = await ConnectAsync();
        await using var poster = await ConnectAsync();
        await watcher.SendAsync("""{"action": "join_room_slowly", "room_id": 11, "delay_ms": 700, "request_id": "slow-join"}""");

        // While the concurrent join waits after subscribing: the same connection is answered, and a change is saved.
        var quick = await watcher.RequestAsync("""{"action": "post", "room_id": 12, "text": "elsewhere", "request_id": "quick"}""");
        Assert.That(quick["request_id"]!.GetValue<string>(), Is.EqualTo("quick"), "the concurrent join does not hold the connection");
        await poster.RequestAsync("""{"action": "post", "room_id": 11, "text": "during"}""");

        var reply = await watcher.ReceiveAsync();
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("slow-join"), "the join's reply comes before any notification of its subscription");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("joined"));
        await poster.RequestAsync("""{"action": "post", "room_id": 11, "text": "after"}""");
        var note = await watcher.ReceiveAsync();
        Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("slow-join"));
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("after"), "a change before the reply is not notified, as for an ordered subscribe");
    }

    [Test]
    public async Task Update_AndDelete_ArePushed()
    {
        await using var watcher = await ConnectAsync();
        await using var poster = await ConnectAsync();
        var pk = (await poster.RequestAsync("""{"action": "post", "room_id": 3, "text": "v1"}"""))["data"]!.GetValue<int>();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 3, "request_id": "w"}""");

        await poster.RequestAsync($$"""{"action": "edit", "pk": {{pk}}, "text": "v2"}""");
        var update = await watcher.ReceiveAsync();
        await poster.RequestAsync($$"""{"action": "remove", "pk": {{pk}}}""");
        var delete = await watcher.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(update["action"]!.GetValue<string>(), Is.EqualTo("update"));
            Assert.That(update["data"]!["text"]!.GetValue<string>(), Is.EqualTo("v2"));
            Assert.That(delete["action"]!.GetValue<string>(), Is.EqualTo("delete"));
            Assert.That(delete["data"]!["pk"]!.GetValue<int>(), Is.EqualTo(pk));
        });
    }

    [Test]
    public async Task MovingBetweenGroups_IsADeleteForTheOldAndACreateForTheNew()
    {
        await using var oldRoom = await ConnectAsync();
        await using var newRoom = await ConnectAsync();
        await using var poster = await ConnectAsync();
        var pk = (await poster.RequestAsync("""{"action": "post", "room_id": 4, "text": "moving"}"""))["data"]!.GetValue<int>();
        await oldRoom.RequestAsync("""{"action": "join_room", "room_id": 4, "request_id": "old"}""");
        await newRoom.RequestAsync("""{"action": "join_room", "room_id": 5, "request_id": "new"}""");

        await poster.RequestAsync($$"""{"action": "edit", "pk": {{pk}}, "room_id": 5}""");
        var atOld = await oldRoom.ReceiveAsync();
        var atNew = await newRoom.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(atOld["action"]!.GetValue<string>(), Is.EqualTo("delete"));
            Assert.That(atNew["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(atNew["data"]!["room_id"]!.GetValue<int>(), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task RolledBackTransaction_PublishesNothing_CommittedOnePublishesAfterCommit()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 6, "request_id": 1}""");
        await watcher.RequestAsync("""{"action": "post_in_transaction", "room_id": 6, "text": "rolled back", "commit": false}""");
        await watcher.SendAsync("""{"action": "post_in_transaction", "room_id": 6, "text": "committed", "commit": true, "request_id": "c"}""");

        Assert.That((await watcher.ReceiveAsync())["request_id"]!.GetValue<string>(), Is.EqualTo("c"), "the action's reply first");
        var first = await watcher.ReceiveAsync();
        Assert.That(first["data"]?["text"]?.GetValue<string>(), Is.EqualTo("committed"), "only the committed row is published: " + first.ToJsonString()
            + string.Join("\n", CapturingLoggerProvider.Instance.Entries.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString())));
    }

    [Test]
    public async Task FailedSave_PublishesNothing()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 7, "request_id": 1}""");
        var failed = await watcher.RequestAsync("""{"action": "post_that_fails", "room_id": 7}""");
        Assert.That(failed["response_status"]?.GetValue<int>(), Is.EqualTo(500), failed.ToJsonString());
        var next = await watcher.RequestAsync("""{"action": "post", "room_id": 7, "text": "after", "request_id": "after"}""");
        Assert.That(next["request_id"]!.GetValue<string>(), Is.EqualTo("after"));
        var note = await watcher.ReceiveAsync();
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("after"), "no notification of the failed save came first");
    }

    [Test]
    public async Task TwoRequestIds_OnOneConnection_GetOneFrameEach()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 8, "request_id": "a"}""");
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 8, "request_id": "b"}""");
        await watcher.SendAsync("""{"action": "post", "room_id": 8, "text": "twice"}""");
        var frames = new[] { await watcher.ReceiveAsync(), await watcher.ReceiveAsync(), await watcher.ReceiveAsync() };
        var notifications = frames.Where(f => f["action"]!.GetValue<string>() == "create").Select(f => f["request_id"]!.GetValue<string>()).Order();
        Assert.That(notifications, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task ResubscribingTheSameRequestId_IsIdempotent()
    {
        await using var watcher = await ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            var reply = await watcher.RequestAsync("""{"action": "join_room", "room_id": 9, "request_id": "same"}""");
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        }

        var posted = await watcher.RequestAsync("""{"action": "post", "room_id": 9, "text": "once", "request_id": "p1"}""");
        Assert.That(posted["request_id"]!.GetValue<string>(), Is.EqualTo("p1"), "the post's reply comes first");
        Assert.That((await watcher.ReceiveAsync())["request_id"]!.GetValue<string>(), Is.EqualTo("same"));

        // One notification only: the next frame is the reply to the next request.
        var probe = await watcher.RequestAsync("""{"action": "leave_room", "room_id": 9, "request_id": "probe"}""");
        Assert.That(probe["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "one notification, then the probe's reply");
    }

    [Test]
    public async Task SubscriptionsPastTheLimit_Get429_ResubscribingAndAfterUnsubscribing_Work()
    {
        await RestartHostAsync(o => o.MaxSubscriptionsPerConsumer = 3);
        await using var watcher = await ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            var ok = await watcher.RequestAsync($$"""{"action": "join_room", "room_id": {{i}}, "request_id": "r{{i}}"}""");
            Assert.That(ok["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        }

        var refused = await watcher.RequestAsync("""{"action": "join_room", "room_id": 7, "request_id": "r3"}""");
        Assert.That(refused["response_status"]!.GetValue<int>(), Is.EqualTo(429));
        Assert.That(refused["errors"]!.ToJsonString(), Is.EqualTo("""["Too many subscriptions: at most 3 per consumer."]"""));

        var again = await watcher.RequestAsync("""{"action": "join_room", "room_id": 0, "request_id": "r0"}""");
        Assert.That(again["response_status"]!.GetValue<int>(), Is.EqualTo(200), "re-subscribing does not count");

        await watcher.RequestAsync("""{"action": "leave_room", "room_id": 0, "request_id": "r0"}""");
        var afterLeave = await watcher.RequestAsync("""{"action": "join_room", "room_id": 7, "request_id": "r3"}""");
        Assert.That(afterLeave["response_status"]!.GetValue<int>(), Is.EqualTo(200));

        // The refused subscription never received anything; the accepted one does.
        var posted = await watcher.RequestAsync("""{"action": "post", "room_id": 7, "text": "seven", "request_id": "p"}""");
        Assert.That(posted["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
        var note = await watcher.ReceiveAsync();
        Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("r3"));
    }

    [Test]
    [NonParallelizable]
    public async Task EightHundredSubscriptionsWithLongRequestIds_HoldOnlyTheCap_AndOthersPostsBuildOnlyItsFrames()
    {
        // The audit's attack: join_room 800 times with distinct, long request ids. Before the bounds it kept 660 MB for
        // the connection and made another user's post build 800 frames for the attacker.
        await RestartHostAsync(o => o.RateLimitPerSecond = 0);
        await using var attacker = await ConnectAsync();
        await using var poster = await ConnectAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var accepted = 0;
        for (var i = 0; i < 800; i++)
        {
            var requestId = i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + new string('r', 248);
            var reply = await attacker.RequestAsync($$"""{"action": "join_room", "room_id": 21, "request_id": "{{requestId}}"}""");
            accepted += reply["response_status"]!.GetValue<int>() == 200 ? 1 : 0;
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        await poster.RequestAsync("""{"action": "post", "room_id": 21, "text": "hello", "request_id": "p"}""");
        for (var i = 0; i < 100; i++)
        {
            Assert.That((await attacker.ReceiveAsync())["action"]!.GetValue<string>(), Is.EqualTo("create"));
        }

        // The next frame is the reply to this request: no 101st notification was built.
        var marker = await attacker.RequestAsync("""{"action": "leave_room_everywhere", "room_id": 21, "request_id": "m"}""");
        await attacker.DisposeAsync();
        await Eventually.WaitUntilAsync(() => GC.GetTotalMemory(forceFullCollection: true) - before < 1024 * 1024);
        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.EqualTo(100), "the default cap of 100 subscriptions per consumer");
            Assert.That(marker["request_id"]!.GetValue<string>(), Is.EqualTo("m"));
            Assert.That(held, Is.LessThan(2L * 1024 * 1024), $"the connection held {held / 1024} KiB for its subscriptions");
        });
    }

    [Test]
    public async Task Unsubscribe_ByRequestId_AndAll()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 11, "request_id": "a"}""");
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 11, "request_id": "b"}""");
        await watcher.RequestAsync("""{"action": "leave_room", "room_id": 11, "request_id": "a"}""");
        await watcher.RequestAsync("""{"action": "post", "room_id": 11, "text": "only b"}"""); // the post's reply
        var afterOne = await watcher.ReceiveAsync();
        Assert.That(afterOne["request_id"]!.GetValue<string>(), Is.EqualTo("b"));
        var probe = await watcher.RequestAsync("""{"action": "leave_room", "room_id": 99, "request_id": "probe"}""");
        Assert.That(probe["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "one notification only, for b");

        await watcher.RequestAsync("""{"action": "leave_room_everywhere", "room_id": 11}""");
        var afterAll = await watcher.RequestAsync("""{"action": "post", "room_id": 11, "text": "nobody", "request_id": "r"}""");
        Assert.That(afterAll["request_id"]!.GetValue<string>(), Is.EqualTo("r"));
        var next = await watcher.RequestAsync("""{"action": "leave_room", "room_id": 99, "request_id": "probe-2"}""");
        Assert.That(next["request_id"]!.GetValue<string>(), Is.EqualTo("probe-2"), "no notification after unsubscribing all");
    }

    [Test]
    public async Task SubscribeReply_ComesBeforeAnyNotificationOfIt()
    {
        await using var watcher = await ConnectAsync();
        await using var poster = await ConnectAsync();
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested && i++ < 2000)
            {
                await poster.RequestAsync("""{"action": "post", "room_id": 12, "text": "flood"}""");
            }
        });
        try
        {
            for (var round = 0; round < 20; round++)
            {
                await watcher.SendAsync($$"""{"action": "join_room", "room_id": 12, "request_id": "sub-{{round}}"}""");
                JsonObject frame;
                do
                {
                    frame = await watcher.ReceiveAsync();
                    if (frame["request_id"]!.GetValue<string>() == $"sub-{round}")
                    {
                        Assert.That(frame["action"]!.GetValue<string>(), Is.EqualTo("join_room"), "the first frame carrying a new request_id is its subscribe reply");
                        break;
                    }
                }
                while (true);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await flood;
        }
    }

    [Test]
    public async Task StringPlaceholder_AndNullMember_AreHandled()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "news", "request_id": "t"}""");
        await watcher.RequestAsync("""{"action": "post", "room_id": 13, "text": "no topic"}""");
        var reply = await watcher.RequestAsync("""{"action": "post", "room_id": 13, "text": "topical", "topic": "news", "request_id": "p"}""");
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
        var note = await watcher.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(note["request_id"]!.GetValue<string>(), Is.EqualTo("t"));
            Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("topical"));
        });
    }

    [TestCase("bad room/ü:x")]
    [TestCase("a:b")]
    [TestCase("")]
    [TestCase("😀 emoji")]
    public async Task TextPlaceholder_WithAnyValue_MakesAValidGroup_AndNotificationsArrive(string topic)
    {
        await using var watcher = await ConnectAsync();
        var topicJson = "\"" + System.Text.Json.JsonEncodedText.Encode(topic).ToString() + "\"";
        var subscribed = await watcher.RequestAsync($$"""{"action": "follow_topic", "topic": {{topicJson}}, "request_id": "t"}""");
        Assert.That(subscribed["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        var posted = await watcher.RequestAsync($$"""{"action": "post", "room_id": 15, "text": "odd", "topic": {{topicJson}}, "request_id": "p"}""");
        Assert.That(posted["request_id"]!.GetValue<string>(), Is.EqualTo("p"), "the post's reply comes before its notification");
        var saved = await watcher.ReceiveAsync();
        Assert.That(saved["request_id"]!.GetValue<string>(), Is.EqualTo("t"));
        Assert.That(saved["data"]!["text"]!.GetValue<string>(), Is.EqualTo("odd"));
    }

    [Test]
    public async Task TopicsThatWouldCollideUnencoded_StayApart()
    {
        // "a.3Ab" is what "a:b" encodes to: the encoding must still tell them apart.
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "a.3Ab", "request_id": "t"}""");
        await watcher.RequestAsync("""{"action": "post", "room_id": 16, "text": "other", "topic": "a:b"}""");
        var reply = await watcher.RequestAsync("""{"action": "post", "room_id": 16, "text": "mine", "topic": "a.3Ab", "request_id": "p"}""");
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
        var note = await watcher.ReceiveAsync();
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("mine"), "the first notification is the subscriber's own topic, not the look-alike");
    }

    [Test]
    public async Task FailingObserver_AfterTheCommit_NeitherReachesTheSaver_NorStopsOtherObservers()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 17, "request_id": "w"}""");
        var reply = await watcher.RequestAsync("""{"action": "post", "room_id": 17, "text": "explode", "request_id": "p"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200), "the saver got its 200: the row is saved");
        var saved = await watcher.ReceiveAsync();
        Assert.That(saved["request_id"]!.GetValue<string>(), Is.EqualTo("w"), "the room observer still notified");
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "ObserverFailed" && e.Exception?.Message == "serializer failure"), Is.True);
    }

    [Test]
    public async Task PublisherWithoutEfCore_ReachesObservers()
    {
        await using var watcher = await ConnectAsync();
        await watcher.RequestAsync("""{"action": "join_room", "room_id": 14, "request_id": "w"}""");
        var publisher = Host.Services.GetRequiredService<IModelChangePublisher>();
        await publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 99, RoomId = 14, Text = "by hand" }));
        var note = await watcher.ReceiveAsync();
        Assert.That(note["data"]!["pk"]!.GetValue<int>(), Is.EqualTo(99));
    }

    [Test]
    public void Publisher_RejectsAnEmptyChange()
    {
        var publisher = Host.Services.GetRequiredService<IModelChangePublisher>();
        Assert.That(async () => await publisher.PublishAsync(new ModelChange<Message>(null, null)), Throws.ArgumentException);
        Assert.That(async () => await publisher.PublishAsync(typeof(Message), "not a message", null), Throws.ArgumentException);
    }

    private Task<TestClient> ConnectAsync() => TestClient.ConnectAsync(Host.WebSocketUri("/ws/messages"));
}
