using System.Net;
using Consumers.Testing.Communication;
using Consumers.Tests.Databases;
using Consumers.Testing.Hosting;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's accounts and limits without a browser: tokens from <c>/api/register</c> and <c>/api/token</c> on the
/// WebSocket, names, room pages and creation limits, presence after a crash. One in-process chat (Consumers.Testing on
/// a WebApplicationFactory) serves the tests that need no database of their own (each uses its own user names); the
/// others start their own, and the crash test runs the chat as a process it can kill.
/// </summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
[NonParallelizable]
public sealed class ChatApiTests(DatabaseKind kind)
{
    private ChatFactory _shared = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void StartShared()
    {
        _shared = new ChatFactory(kind);
        _http = _shared.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopShared()
    {
        _http.Dispose();
        await _shared.DisposeAsync();
    }

    [Test]
    public async Task Token_FromRegister_AndFromToken_AuthenticatesTheSocket_AsThatUser()
    {
        var registered = await ChatAccounts.RegisterAsync(_http, "tina");
        var (status, body) = await ChatAccounts.PostAsync(_http, "/api/token", "tina");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));

        foreach (var token in new[] { registered, body["access_token"]!.GetValue<string>() })
        {
            await using var client = await _shared.ConnectAsync(ChatAccounts.SocketPath(token));
            var room = await client.RequestAsync("""{"action": "create", "data": {"name": "tinas"}, "request_id": 1}""");
            var pk = room.IsSuccess
                ? room.Data.GetProperty("pk").GetInt32()
                : (await client.RequestAsync("""{"action": "find_room", "name": "tinas", "request_id": 2}""")).Data.GetProperty("pk").GetInt32();
            var message = await client.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "hi", "request_id": 3}""");
            Assert.That(message.Data.GetProperty("user").GetString(), Is.EqualTo("tina"));
        }
    }

    [TestCase(null, TestName = "Socket_WithoutAToken_Gets401")]
    [TestCase("not-a-token", TestName = "Socket_WithAForgedToken_Gets401")]
    public void Socket_Unauthenticated_Gets401(string? token)
    {
        var refused = Assert.ThrowsAsync<ConsumerHandshakeException>(() => _shared.ConnectAsync(ChatAccounts.SocketPath(token)));
        Assert.That(refused!.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public void UsernameQueryParameter_IsNoIdentity()
    {
        var refused = Assert.ThrowsAsync<ConsumerHandshakeException>(() => _shared.ConnectAsync("/ws/rooms?username=ann"));
        Assert.That(refused!.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task Token_WithAWrongPassword_Gets401()
    {
        await ChatAccounts.RegisterAsync(_http, "walt");
        var (status, body) = await ChatAccounts.PostAsync(_http, "/api/token", "walt", "wrong password");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.ContainsKey("access_token"), Is.False);
        });
    }

    [TestCase("ann\u200b", TestName = "Name_WithAZeroWidthSpace_IsRefused")]
    [TestCase("an\u0000n", TestName = "Name_WithAControlCharacter_IsRefused")]
    [TestCase("ann\u2060", TestName = "Name_WithAWordJoiner_IsRefused")]
    [TestCase("\u3164", TestName = "Name_OfAHangulFiller_IsRefused")]
    [TestCase("a\u202Enn", TestName = "Name_WithABidiOverride_IsRefused")]
    [TestCase("   ", TestName = "Name_OfSpaces_IsRefused")]
    public async Task Name_Invisible_IsRefused(string name)
    {
        var (status, body) = await ChatAccounts.PostAsync(_http, "/api/register", name);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["errors"]!.AsArray(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Name_IsNfkcNormalized_SoALookAlikeIsTheSameName()
    {
        await ChatAccounts.RegisterAsync(_http, "nina");
        var (taken, _) = await ChatAccounts.PostAsync(_http, "/api/register", "\uFF4E\uFF49\uFF4E\uFF41");   // full-width "nina"
        var (signedIn, body) = await ChatAccounts.PostAsync(_http, "/api/token", "\uFF4E\uFF49\uFF4E\uFF41");
        await using var client = await _shared.ConnectAsync(ChatAccounts.SocketPath(body["access_token"]!.GetValue<string>()));
        var room = await client.RequestAsync("""{"action": "create", "data": {"name": "ninas"}, "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(signedIn, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(room.Data.GetProperty("creator").GetString(), Is.EqualTo("nina"));
        });
    }

    [Test]
    public async Task RoomCreation_IsLimitedTo20PerUserPerHour_OtherUsersUnaffected()
    {
        await using var ann = await _shared.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(_http, "lim")));
        for (var i = 0; i < 20; i++)
        {
            var created = await ann.RequestAsync($$$"""{"action": "create", "data": {"name": "lim-{{{i}}}"}, "request_id": {{{i}}}}""");
            Assert.That(created.ResponseStatus, Is.EqualTo(201), created.RawJson);
        }

        var refused = await ann.RequestAsync("""{"action": "create", "data": {"name": "lim-20"}, "request_id": 20}""");
        await using var bob = await _shared.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(_http, "lim2")));
        var other = await bob.RequestAsync("""{"action": "create", "data": {"name": "lim2-0"}, "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused.ResponseStatus, Is.EqualTo(429));
            Assert.That(refused.ErrorMessages[0], Does.Contain("20 rooms per hour"));
            Assert.That(other.ResponseStatus, Is.EqualTo(201));
        });
    }

    [Test]
    public async Task RoomCreation_IsLimitedTo50PerAddressPerHour_WhicheverAccountsCreateThem()
    {
        await using var app = new ChatFactory(kind);
        const string Crowded = "198.51.100.20";
        using var http = app.CreateClient(Crowded);
        var created = 0;
        for (var account = 0; created < global::Chat.Consumers.RoomConsumer.MaxRoomsPerAddressPerHour; account++)
        {
            await using var client = await ConnectFromAsync(app, Crowded, await ChatAccounts.RegisterAsync(http, $"addr{account}"));
            for (var i = 0; i < global::Chat.Consumers.RoomConsumer.MaxRoomsPerHour && created < global::Chat.Consumers.RoomConsumer.MaxRoomsPerAddressPerHour; i++, created++)
            {
                var reply = await client.RequestAsync($$$"""{"action": "create", "data": {"name": "addr-{{{created}}}"}, "request_id": {{{i}}}}""");
                Assert.That(reply.ResponseStatus, Is.EqualTo(201), reply.RawJson);
            }
        }

        // A fresh account on the same address is refused; the same account from another address is not.
        var token = await ChatAccounts.RegisterAsync(http, "addr-fresh");
        await using var fresh = await ConnectFromAsync(app, Crowded, token);
        var refused = await fresh.RequestAsync("""{"action": "create", "data": {"name": "addr-over"}, "request_id": 1}""");
        await using var elsewhere = await ConnectFromAsync(app, "192.0.2.80", token);
        var accepted = await elsewhere.RequestAsync("""{"action": "create", "data": {"name": "addr-elsewhere"}, "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused.ResponseStatus, Is.EqualTo(429));
            Assert.That(refused.ErrorMessages[0], Does.Contain("50 rooms per hour can be created from one address"));
            Assert.That(accepted.ResponseStatus, Is.EqualTo(201), accepted.RawJson);
        });
    }

    private static Task<ConsumerCommunicator> ConnectFromAsync(ChatFactory app, string address, string token)
        => app.ConnectAsync(ChatAccounts.SocketPath(token), o => o.Headers[ChatFactory.AddressHeader] = address);

    [Test]
    public async Task List_AnswersPagesOf50Rooms()
    {
        await using var app = new ChatFactory(kind);
        using var http = app.CreateClient();
        ConsumerCommunicator? last = null;
        foreach (var user in new[] { "u1", "u2", "u3" })
        {
            last = await app.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(http, user)));
            for (var i = 0; i < 20; i++)
            {
                await last.RequestAsync($$$"""{"action": "create", "data": {"name": "{{{user}}}-{{{i}}}"}, "request_id": {{{i}}}}""");
            }

            if (user != "u3")
            {
                await last.DisposeAsync();
            }
        }

        await using var client = last!;
        var first = await client.RequestAsync("""{"action": "list", "request_id": "p1"}""");
        var second = await client.RequestAsync("""{"action": "list", "offset": 50, "request_id": "p2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(first.Data.GetProperty("count").GetInt32(), Is.EqualTo(60));
            Assert.That(first.Data.GetProperty("results").GetArrayLength(), Is.EqualTo(50));
            Assert.That(second.Data.GetProperty("results").GetArrayLength(), Is.EqualTo(10));
        });
    }

    [Test]
    public async Task PresenceOfACrashedNode_IsSweptWhenTheChatStartsAgain()
    {
        await using var database = await TestDatabase.CreateAsync(kind, "chat-crash");
        var app = await ChatApp.StartOnAsync(database.ConnectionString);
        try
        {
            using var http = app.CreateHttpClient();
            var ann = await app.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(http, "ann")));
            var created = await ann.RequestAsync("""{"action": "create", "data": {"name": "lobby"}, "request_id": 1}""");
            var pk = created.Data.GetProperty("pk").GetInt32();
            Assert.That(created.Data.GetProperty("users").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "ann" }));

            // Killed: no disconnect hook runs, the presence row stays in the database.
            await app.KillAsync();
            ann.Socket.Abort();
            await ann.DisposeAsync();
            await app.StartAsync();

            await using var bob = await app.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(http, "bob")));
            var room = await bob.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}, "request_id": 2}""");
            Assert.That(room.Data.GetProperty("users").GetArrayLength(), Is.Zero);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
