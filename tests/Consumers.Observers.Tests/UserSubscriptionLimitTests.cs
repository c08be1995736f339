using Consumers.Tests.Infrastructure;

namespace Consumers.Observers.Tests;

/// <summary>
/// <see cref="ConsumerOptions.MaxSubscriptionsPerUser"/>: one account's subscriptions are counted over all its
/// connections on the node, so it cannot multiply every notification by connections times the per-consumer cap.
/// </summary>
[TestFixture]
public sealed class UserSubscriptionLimitTests : ObserverHostFixture
{
    [SetUp]
    public Task Limit() => RestartHostAsync(o =>
    {
        o.MaxSubscriptionsPerConsumer = 4;
        o.MaxSubscriptionsPerUser = 6;
    });

    [Test]
    public async Task OneUsersSubscriptions_AreCountedOverItsConnections_OtherUsersUnaffected()
    {
        await using var first = await ConnectAsync("mallory");
        await using var second = await ConnectAsync("mallory");
        await using var alice = await ConnectAsync("alice");
        for (var i = 0; i < 4; i++)
        {
            Assert.That(await JoinAsync(first, 1, $"a{i}"), Is.EqualTo(200));
        }

        Assert.That(await JoinAsync(second, 1, "b0"), Is.EqualTo(200));
        Assert.That(await JoinAsync(second, 1, "b1"), Is.EqualTo(200));
        var refused = await second.RequestAsync("""{"action": "join_room", "room_id": 1, "request_id": "b2"}""");
        Assert.Multiple(async () =>
        {
            Assert.That(refused["response_status"]!.GetValue<int>(), Is.EqualTo(429));
            Assert.That(refused["errors"]!.ToJsonString(), Is.EqualTo("""["Too many subscriptions: at most 6 per user."]"""));
            Assert.That(await JoinAsync(second, 1, "b0"), Is.EqualTo(200), "re-subscribing does not count");
            Assert.That(await JoinAsync(alice, 1, "c0"), Is.EqualTo(200), "another user has a limit of its own");
        });

        // A post reaches each accepted subscription once, and the refused one never.
        await alice.RequestAsync("""{"action": "post", "room_id": 1, "text": "hello", "request_id": "p"}""");
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add((await second.ReceiveAsync())["request_id"]!.GetValue<string>());
        }

        var probe = await second.RequestAsync("""{"action": "leave_room", "room_id": 99, "request_id": "probe"}""");
        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.EquivalentTo(new[] { "b0", "b1" }));
            Assert.That(probe["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "no notification for the refused subscription");
        });
    }

    [Test]
    public async Task UnsubscribingAndClosing_GiveTheSubscriptionsBack()
    {
        await using var second = await ConnectAsync("mallory");
        var first = await ConnectAsync("mallory");
        for (var i = 0; i < 4; i++)
        {
            await JoinAsync(first, 1, $"a{i}");
        }

        await JoinAsync(second, 2, "b0");
        await JoinAsync(second, 2, "b1");
        Assert.That(await JoinAsync(second, 2, "b2"), Is.EqualTo(429));

        // One unsubscribe gives one back.
        await first.RequestAsync("""{"action": "leave_room", "room_id": 1, "request_id": "a0"}""");
        Assert.That(await JoinAsync(second, 2, "b2"), Is.EqualTo(200));
        Assert.That(await JoinAsync(second, 2, "b3"), Is.EqualTo(429));

        // A closed connection gives back all it held (counted once the server has seen the close).
        await first.DisposeAsync();
        var status = 0;
        for (var deadline = DateTime.UtcNow + Eventually.DefaultTimeout; status != 200 && DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            status = await JoinAsync(second, 2, "b3");
        }

        var capped = await second.RequestAsync("""{"action": "join_room", "room_id": 3, "request_id": "b4"}""");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(200));
            Assert.That(capped["errors"]!.ToJsonString(), Does.Contain("per consumer"), "b3 took one of the three given back; the consumer's own cap (4) is what stops b4");
        });
    }

    private static async Task<int> JoinAsync(TestClient client, int room, string requestId)
        => (await client.RequestAsync($$"""{"action": "join_room", "room_id": {{room}}, "request_id": "{{requestId}}"}"""))["response_status"]!.GetValue<int>();

    private Task<TestClient> ConnectAsync(string user) => TestClient.ConnectAsync(Host.WebSocketUri("/ws/messages?access_token=" + TestJwt.Issue(user)));
}
