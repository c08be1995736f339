using System.Text.Json.Nodes;
using Consumers.Tests.Infrastructure;

namespace Consumers.Observers.Tests;

/// <summary>Observers with several groups per change (Groups templates, GroupsMethod), on the in-memory layer.</summary>
[TestFixture]
public sealed class MultiGroupObserverTests : ObserverHostFixture
{
    [Test]
    public async Task ChangeInTwoGroups_ReachesTheSubscribersOfEach()
    {
        await using var roomWatcher = await ConnectAsync("/ws/feed");
        await using var topicWatcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await roomWatcher.RequestAsync("""{"action": "follow_room", "room_id": 1, "request_id": "room"}""");
        await topicWatcher.RequestAsync("""{"action": "follow_topic", "topic": "news", "request_id": "topic"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 1, "topic": "news", "text": "both"}""");
        var atRoom = await roomWatcher.ReceiveAsync();
        var atTopic = await topicWatcher.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(atRoom["request_id"]!.GetValue<string>(), Is.EqualTo("room"));
            Assert.That(atRoom["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(atTopic["request_id"]!.GetValue<string>(), Is.EqualTo("topic"));
            Assert.That(atTopic["data"]!["text"]!.GetValue<string>(), Is.EqualTo("both"));
        });
    }

    [Test]
    public async Task SubscriberInTwoGroupsOfAChange_GetsItOncePerRequestId_NotOncePerGroup()
    {
        await using var watcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await watcher.RequestAsync("""{"action": "follow_room", "room_id": 2, "request_id": "room"}""");
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "sport", "request_id": "topic"}""");
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "sport", "request_id": "room"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 2, "topic": "sport", "text": "goal"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 2, "text": "marker"}""");
        var frames = await UntilTextAsync(watcher, "marker");
        Assert.That(frames.Where(f => f["data"]!["text"]!.GetValue<string>() == "goal").Select(f => f["request_id"]!.GetValue<string>()).Order(),
            Is.EqualTo(new[] { "room", "topic" }), "one frame per request id: 'room' is subscribed to both groups of the change");
    }

    [Test]
    public async Task MoveBetweenGroups_IsDeleteCreateOrUpdate_AsEachRequestIdSeesIt()
    {
        await using var roomWatcher = await ConnectAsync("/ws/feed");
        await using var leftWatcher = await ConnectAsync("/ws/feed");
        await using var enteredWatcher = await ConnectAsync("/ws/feed");
        await using var bothWatcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        var pk = (await poster.RequestAsync("""{"action": "post", "room_id": 3, "topic": "old", "text": "moving"}"""))["data"]!.GetValue<int>();
        await roomWatcher.RequestAsync("""{"action": "follow_room", "room_id": 3, "request_id": "r"}""");
        await leftWatcher.RequestAsync("""{"action": "follow_topic", "topic": "old", "request_id": "l"}""");
        await enteredWatcher.RequestAsync("""{"action": "follow_topic", "topic": "new", "request_id": "e"}""");
        await bothWatcher.RequestAsync("""{"action": "follow_topic", "topic": "old", "request_id": "b"}""");
        await bothWatcher.RequestAsync("""{"action": "follow_topic", "topic": "new", "request_id": "b"}""");

        await poster.RequestAsync($$"""{"action": "edit", "pk": {{pk}}, "topic": "new"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 3, "topic": "old", "text": "marker"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 3, "topic": "new", "text": "marker"}""");
        var atRoom = await roomWatcher.ReceiveAsync();
        var atLeft = await leftWatcher.ReceiveAsync();
        var atEntered = await enteredWatcher.ReceiveAsync();
        var atBoth = await UntilTextAsync(bothWatcher, "marker");
        Assert.Multiple(() =>
        {
            Assert.That(atRoom["action"]!.GetValue<string>(), Is.EqualTo("update"), "stayed in the room");
            Assert.That(atLeft["action"]!.GetValue<string>(), Is.EqualTo("delete"), "left the old topic");
            Assert.That(atEntered["action"]!.GetValue<string>(), Is.EqualTo("create"), "entered the new topic");
            Assert.That(atBoth.Select(f => f["action"]!.GetValue<string>()), Is.EqualTo(new[] { "update", "create" }),
                "one request id in the old and the new topic sees one update, then the marker");
        });
    }

    [Test]
    public async Task GroupsMethod_KeysOfAnyText_ReachTheirSubscribers_OncePerRequestId()
    {
        await using var watcher = await ConnectAsync("/ws/feed");
        await using var other = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await watcher.RequestAsync("""{"action": "follow_tag", "tag": "dotnet", "request_id": "t"}""");
        await watcher.RequestAsync("""{"action": "follow_tag", "tag": "ünï:code/x", "request_id": "t"}""");
        await other.RequestAsync("""{"action": "follow_tag", "tag": "ünï:code/x", "request_id": "u"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 4, "text": "hello #dotnet #ünï:code/x"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 4, "text": "#dotnet marker"}""");
        var frames = await UntilTextAsync(watcher, "#dotnet marker");
        var atOther = await other.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(frames, Has.Count.EqualTo(2), "the first change once (it is in two of t's groups), then the marker");
            Assert.That(frames[0]["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(atOther["request_id"]!.GetValue<string>(), Is.EqualTo("u"), "a key of any text is a group of its own");
        });
    }

    [Test]
    public async Task TemplateWithANullMember_LeavesTheOtherGroups()
    {
        await using var watcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await watcher.RequestAsync("""{"action": "follow_room", "room_id": 5, "request_id": "r"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 5, "text": "no topic"}""");
        Assert.That((await watcher.ReceiveAsync())["data"]!["text"]!.GetValue<string>(), Is.EqualTo("no topic"));
    }

    [Test]
    public async Task UnsubscribingOneGroup_KeepsTheOther()
    {
        await using var watcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await watcher.RequestAsync("""{"action": "follow_room", "room_id": 6, "request_id": "x"}""");
        await watcher.RequestAsync("""{"action": "follow_topic", "topic": "gone", "request_id": "x"}""");
        await watcher.RequestAsync("""{"action": "unfollow_topic", "topic": "gone", "request_id": "x"}""");

        await poster.RequestAsync("""{"action": "post", "room_id": 7, "topic": "gone", "text": "not for x"}""");
        await poster.RequestAsync("""{"action": "post", "room_id": 6, "topic": "gone", "text": "room six"}""");
        var note = await watcher.ReceiveAsync();
        Assert.That(note["data"]!["text"]!.GetValue<string>(), Is.EqualTo("room six"));
    }

    [Test]
    public async Task FailingGroupsMethod_IsLogged_NeitherReachesTheSaver_NorStopsTheOtherObservers()
    {
        await using var watcher = await ConnectAsync("/ws/feed");
        await using var poster = await ConnectAsync("/ws/messages");
        await watcher.RequestAsync("""{"action": "follow_room", "room_id": 8, "request_id": "r"}""");

        var saved = await poster.RequestAsync("""{"action": "post", "room_id": 8, "text": "#explode", "request_id": "p"}""");
        Assert.That(saved["response_status"]!.GetValue<int>(), Is.EqualTo(200), "the saver got its 200");
        Assert.That((await watcher.ReceiveAsync())["data"]!["text"]!.GetValue<string>(), Is.EqualTo("#explode"), "the templates' observer still notified");
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "ObserverFailed" && e.Exception?.Message == "groups method failure"), Is.True);
    }

    /// <summary>Reads frames until one whose data's text is <paramref name="text"/>; returns them all, that one last.</summary>
    internal static async Task<List<JsonObject>> UntilTextAsync(TestClient client, string text)
    {
        var frames = new List<JsonObject>();
        while (true)
        {
            var frame = await client.ReceiveAsync();
            frames.Add(frame);
            if (frame["data"]?["text"]?.GetValue<string>() == text)
            {
                return frames;
            }
        }
    }

    private Task<TestClient> ConnectAsync(string path) => TestClient.ConnectAsync(Host.WebSocketUri(path));
}
