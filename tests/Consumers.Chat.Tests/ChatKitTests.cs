using System.Collections.Concurrent;
using Chat.Consumers;
using Consumers.Clients;
using Consumers.Testing.Authentication;
using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Consumers.Testing.Nats;

namespace Consumers.Chat.Tests;

/// <summary>
/// Consumers.Testing on the chat's own <c>Program</c>: test users beside the chat's tokens, the generated
/// RoomConsumerClient in-process, typed notifications, and two chat nodes on one nats-server.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatKitTests
{
    /// <summary>README's example test, as written there (with a database of its own).</summary>
    [Test]
    public async Task CreateMessage_IsPushedToWhoeverJoinedTheRoom()
    {
        await using var chat = new ChatFactory();
        await using var app = chat.WithTestAuthentication();
        await using var ann = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        var pk = (await ann.RequestAsync("""{"action": "create", "data": {"name": "lobby"}, "request_id": 1}""")).Data.GetProperty("pk").GetInt32();
        await ann.RequestAsync($$"""{"action": "join_room", "pk": {{pk}}, "request_id": "join"}""");   // the join's own reply
        await ann.SendAsync(new { action = "create_message", room = pk, message = "hi", request_id = 2 });
        var pushed = await ann.ReceiveNotificationAsync("join", ChatJson.Default.MessageDto);
        Assert.That(pushed.Data!.Text, Is.EqualTo("hi"));
    }

    [Test]
    public async Task TestUser_IsTheRoomsCreator_AndTokensStillAuthenticateBesideIt()
    {
        await using var chat = new ChatFactory();
        await using var app = chat.WithTestAuthentication();
        using var http = app.CreateClient();
        var token = await ChatAccounts.RegisterAsync(http, "tom");

        await using var ann = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        await using var tom = await app.ConnectAsync(ChatAccounts.SocketPath(token));
        var room = await ann.RequestAsync("""{"action": "create", "data": {"name": "anns"}, "request_id": 1}""");
        var message = await tom.RequestAsync($$$"""{"action": "create_message", "room": {{{room.Data.GetProperty("pk").GetInt32()}}}, "message": "hi", "request_id": 2}""");
        var anonymous = Assert.ThrowsAsync<ConsumerHandshakeException>(() => app.ConnectAsync("/ws/rooms"));

        Assert.Multiple(() =>
        {
            Assert.That(room.Data.GetProperty("creator").GetString(), Is.EqualTo("ann"));
            Assert.That(message.Data.GetProperty("user").GetString(), Is.EqualTo("tom"), "a request without a test user goes to the chat's own schemes");
            Assert.That(anonymous!.StatusCode, Is.EqualTo(401));
        });
    }

    [Test]
    public async Task JoinRoom_PushesEachNewMessage_UnderTheJoinsRequestId_AsAMessageDto()
    {
        await using var chat = new ChatFactory();
        await using var app = chat.WithTestAuthentication();
        await using var ann = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        await using var bob = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("bob"));
        var room = await ann.RequestAsync("""{"action": "create", "data": {"name": "lobby"}, "request_id": 1}""");
        var pk = room.Data.GetProperty("pk").GetInt32();
        await ann.RequestAsync($$$"""{"action": "join_room", "pk": {{{pk}}}, "request_id": "join"}""");

        await bob.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "hello ann", "request_id": 2}""");
        var pushed = await ann.ReceiveNotificationAsync("join", ChatJson.Default.MessageDto);

        Assert.Multiple(() =>
        {
            Assert.That(pushed.Action, Is.EqualTo("create"));
            Assert.That(pushed.Data!.Text, Is.EqualTo("hello ann"));
            Assert.That(pushed.Data.User, Is.EqualTo("bob"));
            Assert.That(pushed.Data.Room, Is.EqualTo(pk));
        });
        await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Test]
    public async Task GeneratedRoomConsumerClient_RunsInProcess_WithTypedNotifications()
    {
        await using var chat = new ChatFactory();
        await using var app = chat.WithTestAuthentication();
        await using var ann = await app.ConnectClientAsync<Program, RoomConsumerClient>("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        await using var bob = await app.Server.ConnectClientAsync<RoomConsumerClient>("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("bob"));
        var received = new ConcurrentQueue<MessageDto?>();
        var gotOne = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var room = await ann.CreateAsync(new RoomDto(0, "typed", null, null));
        var joined = await ann.JoinRoomAsync(room.Data!.Pk, new ClientCallOptions<MessageDto>
        {
            OnNotification = (_, message) =>
            {
                received.Enqueue(message);
                gotOne.TrySetResult();
            },
        });
        var sent = await bob.CreateMessageAsync(room.Data.Pk, "typed hello");
        await gotOne.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(room.Status, Is.EqualTo(201));
            Assert.That(room.Data.Creator, Is.EqualTo("ann"));
            Assert.That(joined.Data!.Users, Is.EqualTo(new[] { "ann" }));
            Assert.That(sent.Data!.User, Is.EqualTo("bob"));
            Assert.That(received.Single()!.Text, Is.EqualTo("typed hello"));
        });
    }

    [Test]
    [NonParallelizable]
    public async Task TwoNodes_WithoutNatsServer_FailSayingHowToInstallIt()
    {
        await using var chat = new ChatFactory();
        var path = Environment.GetEnvironmentVariable("PATH");
        var empty = Directory.CreateTempSubdirectory("no-nats-").FullName;
        Environment.SetEnvironmentVariable("PATH", empty);
        try
        {
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => ConsumerNodes<Program>.StartAsync(chat));
            Assert.That(error!.Message, Does.Contain("apt-get install -y nats-server"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Directory.Delete(empty);
        }
    }

    [Test]
    public async Task TwoNodesOnOneNatsServer_AMessageSavedOnNodeB_ReachesAJoinedUserOnNodeA()
    {
        await using var chat = new ChatFactory();
        await using var nodes = await ConsumerNodes<Program>.StartAsync(chat.WithTestAuthentication());
        await using var ann = await nodes.A.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        await using var bob = await nodes.B.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("bob"));
        var pk = (await ann.RequestAsync("""{"action": "create", "data": {"name": "nodes"}, "request_id": 1}""")).Data.GetProperty("pk").GetInt32();
        await ann.RequestAsync($$$"""{"action": "join_room", "pk": {{{pk}}}, "request_id": "join"}""");

        // A new subscription crosses to the other node asynchronously: post until one arrives (bounded).
        ConsumerNotification<MessageDto>? pushed = null;
        for (var i = 0; pushed is null && i < 50; i++)
        {
            await bob.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "from B {{{i}}}", "request_id": {{{i + 10}}}}""");
            try
            {
                pushed = await ann.ReceiveNotificationAsync("join", ChatJson.Default.MessageDto, TimeSpan.FromMilliseconds(200));
            }
            catch (TimeoutException)
            {
                // Not yet subscribed across: try again.
            }
        }

        Assert.That(pushed, Is.Not.Null, "no message crossed from node B to node A within 50 tries");
        Assert.Multiple(() =>
        {
            Assert.That(pushed!.Data!.User, Is.EqualTo("bob"));
            Assert.That(pushed.Data.Text, Does.StartWith("from B"));
        });
    }
}
