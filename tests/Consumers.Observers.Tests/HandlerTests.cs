using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>An observer with a handler: the consumer receives the serialized change, the action and the request ids.</summary>
[TestFixture]
public sealed class HandlerTests
{
    private TestHost _host = null!;

    [SetUp]
    public async Task Start() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<DigestConsumer>("/ws/digest");
        app.MapConsumer<DerivedDigestConsumer>("/ws/digest-derived");
        app.MapConsumer<GuardedConsumer>("/ws/guarded");
    });

    [TearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task Handler_ReceivesTheChange_TheAction_AndEverySubscribingRequestId()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/digest"));
        await client.RequestAsync("""{"action": "watch", "room_id": 1, "request_id": "a"}""");
        await client.RequestAsync("""{"action": "watch", "room_id": 1, "request_id": 2}""");

        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 5, RoomId = 1, Text = "hello" }));
        var frame = await client.ReceiveTextAsync();
        Assert.That(frame, Is.EqualTo("""{"kind":"digest","text":"HELLO","action":"Create","request_ids":"\"a\",2"}"""));
    }

    [Test]
    public async Task ConsumerDerivedFromAConsumerWithAHandler_HasItsBasesNotificationsHandledByTheBase()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/digest-derived"));
        await client.RequestAsync("""{"action": "watch", "room_id": 4, "request_id": "d"}""");

        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 11, RoomId = 4, Text = "inherited" }));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("""{"kind":"digest","text":"INHERITED","action":"Create","request_ids":"\"d\""}"""));
    }

    [Test]
    public async Task HandlerOfAnObserverWithSeveralGroups_IsCalledOncePerAction_WithTheRequestIdsThatSeeIt()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/digest"));
        await client.RequestAsync("""{"action": "watch_feed_room", "room_id": 10, "request_id": "r"}""");
        await client.RequestAsync("""{"action": "watch_feed_topic", "topic": "t1", "request_id": "r"}""");
        await client.RequestAsync("""{"action": "watch_feed_topic", "topic": "t1", "request_id": "x"}""");

        // Moves from topic t1 to t2 and stays in room 10: "r" still sees it (update), "x" lost it (delete).
        await Publisher.PublishAsync(ModelChange<Message>.Updated(
            new Message { Id = 20, RoomId = 10, Text = "moved", Topic = "t1" },
            new Message { Id = 20, RoomId = 10, Text = "moved", Topic = "t2" }));
        var first = await client.ReceiveTextAsync();
        var second = await client.ReceiveTextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("""{"kind":"feed","text":"moved","action":"Delete","request_ids":"\"x\""}"""));
            Assert.That(second, Is.EqualTo("""{"kind":"feed","text":"moved","action":"Update","request_ids":"\"r\""}"""));
        });
        var next = await client.RequestAsync("""{"action": "watch", "room_id": 99, "request_id": "next"}""");
        Assert.That(next["request_id"]!.GetValue<string>(), Is.EqualTo("next"), "nothing more: the change's second copy was dropped");
    }

    [Test]
    public async Task FailingHandler_IsLogged_AndTheConnectionGoesOn()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/digest"));
        await client.RequestAsync("""{"action": "watch", "room_id": 2, "request_id": "a"}""");
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 6, RoomId = 2, Text = "boom" }));
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 7, RoomId = 2, Text = "after" }));

        Assert.That(await client.ReceiveTextAsync(), Does.Contain("\"text\":\"AFTER\""));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "WorkFailed" && e.Exception?.Message == "handler failure"), Is.True);
    }

    [Test]
    public async Task ObjectPermissions_AreCheckedBeforeANotificationReachesASubscriber()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/guarded"));
        await client.RequestAsync("""{"action": "watch", "room_id": 3, "request_id": "g"}""");
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 8, RoomId = 3, Text = "top secret" }));
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 9, RoomId = 3, Text = "public" }));

        var note = await client.ReceiveAsync();
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("public"), "the refused object never reached the subscriber");
    }

    [Test]
    public async Task ObjectPermissions_AreCheckedForAChangeInSeveralGroups_WhichReachesEachRequestIdOnce()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/guarded"));
        await client.RequestAsync("""{"action": "watch_feed_room", "room_id": 30, "request_id": "g"}""");
        await client.RequestAsync("""{"action": "watch_feed_topic", "topic": "t30", "request_id": "g"}""");
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 31, RoomId = 30, Topic = "t30", Text = "secret plan" }));
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 32, RoomId = 30, Topic = "t30", Text = "open" }));
        await Publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 33, RoomId = 30, Text = "last" }));

        var first = await client.ReceiveAsync();
        var second = await client.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first["data"]!["text"]!.GetValue<string>(), Is.EqualTo("open"), "the refused object never reached the subscriber");
            Assert.That(second["data"]!["text"]!.GetValue<string>(), Is.EqualTo("last"), "'open' reached g once, though g is in both of its groups");
        });
    }

    [Test]
    public async Task HandlerThatCannotKeepUp_ClosesTheConsumerWith1008_InsteadOfDroppingNotifications()
    {
        await using var host = await TestHost.StartAsync(app => app.MapConsumer<DigestConsumer>("/ws/digest"), o => o.SendQueueCapacity = 16);
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/digest"));
        await client.RequestAsync("""{"action": "watch", "room_id": 4, "request_id": "w"}""");

        // The handler runs in order with the connection's messages: a slow action holds them back while changes arrive.
        await client.SendAsync("""{"action": "nap", "milliseconds": 1000}""");
        var publisher = host.Services.GetRequiredService<IModelChangePublisher>();
        for (var i = 0; i < 200; i++)
        {
            await publisher.PublishAsync(ModelChange<Message>.Created(new Message { Id = 100 + i, RoomId = 4, Text = "n" + i }));
        }

        Assert.That(await client.ReceiveCloseAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "WorkQueueFull"), Is.True);
    }

    private IModelChangePublisher Publisher => _host.Services.GetRequiredService<IModelChangePublisher>();
}
