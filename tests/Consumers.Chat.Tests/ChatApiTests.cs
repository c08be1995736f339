using System.Net;
using Consumers.Tests.Infrastructure;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's accounts and limits without a browser: tokens from <c>/api/register</c> and <c>/api/token</c> on the
/// WebSocket, names, room pages and creation limits, presence after a crash. One chat process serves the tests that
/// need no database of their own (each uses its own user names); the others start their own.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatApiTests
{
    private string _directory = null!;
    private ChatApp _shared = null!;

    [OneTimeSetUp]
    public async Task StartShared()
    {
        _directory = Directory.CreateTempSubdirectory("consumers-chat-api-").FullName;
        _shared = await ChatApp.StartAsync(Path.Combine(_directory, "shared.db"));
    }

    [OneTimeTearDown]
    public async Task StopShared()
    {
        await _shared.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string FreshDatabase() => Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db");

    [Test]
    public async Task Token_FromRegister_AndFromToken_AuthenticatesTheSocket_AsThatUser()
    {
        var app = _shared;
        var registered = await ChatAccounts.RegisterAsync(app, "tina");
        var (status, body) = await ChatAccounts.PostAsync(app, "/api/token", "tina");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));

        foreach (var token in new[] { registered, body["access_token"]!.GetValue<string>() })
        {
            await using var client = await ChatAccounts.ConnectAsync(app, token);
            var room = await client.RequestAsync("""{"action": "create", "data": {"name": "tinas"}, "request_id": 1}""");
            var pk = room["data"]?["pk"]?.GetValue<int>() ?? (await client.RequestAsync("""{"action": "find_room", "name": "tinas", "request_id": 2}"""))["data"]!["pk"]!.GetValue<int>();
            var message = await client.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "hi", "request_id": 3}""");
            Assert.That(message["data"]!["user"]!.GetValue<string>(), Is.EqualTo("tina"));
        }
    }

    [TestCase(null, TestName = "Socket_WithoutAToken_Gets401")]
    [TestCase("not-a-token", TestName = "Socket_WithAForgedToken_Gets401")]
    public async Task Socket_Unauthenticated_Gets401(string? token)
    {
        var app = _shared;
        Assert.That(await Handshake.StatusAsync(ChatAccounts.SocketUri(app, token)), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task UsernameQueryParameter_IsNoIdentity()
    {
        var app = _shared;
        Assert.That(await Handshake.StatusAsync(new Uri($"ws://127.0.0.1:{app.Port}/ws/rooms?username=ann")), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Token_WithAWrongPassword_Gets401()
    {
        var app = _shared;
        await ChatAccounts.RegisterAsync(app, "walt");
        var (status, body) = await ChatAccounts.PostAsync(app, "/api/token", "walt", "wrong password");
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
        var app = _shared;
        var (status, body) = await ChatAccounts.PostAsync(app, "/api/register", name);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["errors"]!.AsArray(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Name_IsNfkcNormalized_SoALookAlikeIsTheSameName()
    {
        var app = _shared;
        await ChatAccounts.RegisterAsync(app, "nina");
        var (taken, _) = await ChatAccounts.PostAsync(app, "/api/register", "\uFF4E\uFF49\uFF4E\uFF41");   // full-width "nina"
        var (signedIn, body) = await ChatAccounts.PostAsync(app, "/api/token", "\uFF4E\uFF49\uFF4E\uFF41");
        await using var client = await ChatAccounts.ConnectAsync(app, body["access_token"]!.GetValue<string>());
        var room = await client.RequestAsync("""{"action": "create", "data": {"name": "ninas"}, "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(signedIn, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(room["data"]!["creator"]!.GetValue<string>(), Is.EqualTo("nina"));
        });
    }

    [Test]
    public async Task RoomCreation_IsLimitedTo20PerUserPerHour_OtherUsersUnaffected()
    {
        var app = _shared;
        await using var ann = await ChatAccounts.ConnectAsync(app, await ChatAccounts.RegisterAsync(app, "lim"));
        for (var i = 0; i < 20; i++)
        {
            var created = await ann.RequestAsync($$$"""{"action": "create", "data": {"name": "lim-{{{i}}}"}, "request_id": {{{i}}}}""");
            Assert.That(created["response_status"]!.GetValue<int>(), Is.EqualTo(201), created.ToJsonString());
        }

        var refused = await ann.RequestAsync("""{"action": "create", "data": {"name": "lim-20"}, "request_id": 20}""");
        await using var bob = await ChatAccounts.ConnectAsync(app, await ChatAccounts.RegisterAsync(app, "lim2"));
        var other = await bob.RequestAsync("""{"action": "create", "data": {"name": "lim2-0"}, "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused["response_status"]!.GetValue<int>(), Is.EqualTo(429));
            Assert.That(refused["errors"]![0]!.GetValue<string>(), Does.Contain("20 rooms per hour"));
            Assert.That(other["response_status"]!.GetValue<int>(), Is.EqualTo(201));
        });
    }

    [Test]
    public async Task List_AnswersPagesOf50Rooms()
    {
        await using var app = await ChatApp.StartAsync(FreshDatabase());
        TestClient? last = null;
        foreach (var user in new[] { "u1", "u2", "u3" })
        {
            last = await ChatAccounts.ConnectAsync(app, await ChatAccounts.RegisterAsync(app, user));
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
            Assert.That(first["data"]!["count"]!.GetValue<int>(), Is.EqualTo(60));
            Assert.That(first["data"]!["results"]!.AsArray(), Has.Count.EqualTo(50));
            Assert.That(second["data"]!["results"]!.AsArray(), Has.Count.EqualTo(10));
        });
    }

    [Test]
    public async Task PresenceOfACrashedNode_IsSweptWhenTheChatStartsAgain()
    {
        var app = await ChatApp.StartAsync(FreshDatabase());
        int pk;
        try
        {
            var ann = await ChatAccounts.ConnectAsync(app, await ChatAccounts.RegisterAsync(app, "ann"));
            var created = await ann.RequestAsync("""{"action": "create", "data": {"name": "lobby"}, "request_id": 1}""");
            pk = created["data"]!["pk"]!.GetValue<int>();
            Assert.That(created["data"]!["users"]!.AsArray().Select(u => u!.GetValue<string>()), Is.EqualTo(new[] { "ann" }));

            // Killed: no disconnect hook runs, the presence row stays in the database.
            await app.KillAsync();
            ann.Socket.Abort();
            await app.StartAsync();

            await using var bob = await ChatAccounts.ConnectAsync(app, await ChatAccounts.RegisterAsync(app, "bob"));
            var room = await bob.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}, "request_id": 2}""");
            Assert.That(room["data"]!["users"]!.AsArray(), Is.Empty);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
