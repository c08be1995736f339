using System.Net;
using Consumers.Nats.Tests;
using Consumers.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Consumers.Chat.Tests;

/// <summary>
/// The Django Channels tutorial's room of the chat sample (<c>/channels/{room}/</c> over the plain JSON consumer at
/// <c>/ws/chat/{room_name}</c>) in chromium: signed-in users exchange messages in the textarea log, on one node and
/// across two nodes over NATS.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TutorialRoomBrowserTests
{
    private string _directory = null!;
    private Browser _browser = null!;

    [OneTimeSetUp]
    public async Task LaunchBrowser() => _browser = await Browser.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseBrowser() => await _browser.DisposeAsync();

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-tutorial-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    private string Database => Path.Combine(_directory, "chat.db");

    [Test]
    public async Task TwoUsersInOneRoom_SeeEachOthersMessages_InTheLog()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await OpenAsync(app, "lobby", "ann");
        var bob = await OpenAsync(app, "lobby", "bob");
        var elsewhere = await OpenAsync(app, "elsewhere", "cid");

        await SendAsync(ann, "hello bob");
        await Assertions.Expect(bob.Locator("#chat-log")).ToHaveValueAsync("hello bob\n");
        await SendAsync(bob, "<b>hi</b> ann");
        await Assertions.Expect(ann.Locator("#chat-log")).ToHaveValueAsync("hello bob\n<b>hi</b> ann\n");
        await Assertions.Expect(bob.Locator("#chat-log")).ToHaveValueAsync("hello bob\n<b>hi</b> ann\n");
        await Assertions.Expect(ann.Locator("#chat-message-input")).ToHaveValueAsync("");

        // Another room's log stays empty: its own message is the first line it shows.
        await SendAsync(elsewhere, "only here");
        await Assertions.Expect(elsewhere.Locator("#chat-log")).ToHaveValueAsync("only here\n");
    }

    [Test]
    public async Task PagesOnTwoNodes_ExchangeMessages_OverNats()
    {
        await using var nats = await NatsServerProcess.StartJetStreamAsync(Path.Combine(_directory, "jetstream"));
        await using var nodeA = await ChatApp.StartAsync(Database, nats.Url);
        await using var nodeB = await ChatApp.StartAsync(Database, nats.Url);
        var ann = await OpenAsync(nodeA, "nodes", "ann");
        var bob = await OpenAsync(nodeB, "nodes", "bob");

        await SendAsync(ann, "from node A");
        await Assertions.Expect(bob.Locator("#chat-log")).ToHaveValueAsync("from node A\n");
        await SendAsync(bob, "from node B");
        await Assertions.Expect(ann.Locator("#chat-log")).ToHaveValueAsync("from node A\nfrom node B\n");
    }

    [Test]
    public async Task SignedOutVisitor_IsSentToSignIn_AndBackToTheRoom()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await OpenAsync(app, "again", "ann");

        var page = await _browser.NewPageAsync();
        await page.GotoAsync($"{app.Url}/channels/again/");
        await page.WaitForURLAsync($"{app.Url}/signin.html?next=%2Fchannels%2Fagain%2F");
        await Browser.SubmitAccountAsync(page, page.Url, "ann", Browser.Password);
        await Browser.WaitConnectedAsync(page);
        await SendAsync(page, "signed in again");
        await Assertions.Expect(ann.Locator("#chat-log")).ToHaveValueAsync("signed in again\n");
    }

    private Task<IPage> OpenAsync(ChatApp app, string room, string username) => _browser.OpenSignedUpAsync(app, $"/channels/{room}/", username);

    private static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#chat-message-input").FillAsync(text);
        await page.Locator("#chat-message-input").PressAsync("Enter");
    }
}

/// <summary>The tutorial room's socket without a browser: its wire format, its sign-in, its room names, its errors.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TutorialRoomSocketTests
{
    private string _directory = null!;
    private ChatApp _app = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _directory = Directory.CreateTempSubdirectory("consumers-tutorial-socket-").FullName;
        _app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Uri RoomUri(string room, string? token)
        => new($"ws://127.0.0.1:{_app.Port}/ws/chat/{room}{(token is null ? "" : "?access_token=" + Uri.EscapeDataString(token))}");

    [Test]
    public async Task Message_ReachesEveryMemberOfTheRoom_AsTheTutorialsFrame()
    {
        var token = await ChatAccounts.RegisterAsync(_app, "tutor");
        await using var a = await TestClient.ConnectAsync(RoomUri("wire", token));
        await using var b = await TestClient.ConnectAsync(RoomUri("wire", token));
        await using var other = await TestClient.ConnectAsync(RoomUri("other-wire", token));

        await a.SendAsync("""{"message": "hi \"all\""}""");
        foreach (var member in new[] { a, b })
        {
            var frame = await member.ReceiveAsync();
            Assert.That(frame.Select(p => p.Key), Is.EqualTo(new[] { "message" }), "the tutorial's frame, nothing else");
            Assert.That(frame["message"]!.GetValue<string>(), Is.EqualTo("hi \"all\""));
        }

        // The other room got nothing: its next frame is its own message.
        await other.SendAsync("""{"message": "mine"}""");
        Assert.That(await other.ReceiveTextAsync(), Is.EqualTo("""{"message":"mine"}"""));
    }

    [TestCase("""{"text": "no message key"}""", "The message does not have the expected shape.")]
    [TestCase("""{"message": null}""", "The message does not have the expected shape at $.message.")]
    [TestCase("""{"message": ""}""", "Use 1-2000 characters.")]
    [TestCase("""{"message": "unterminated""", "Malformed JSON at byte 25.")]
    public async Task BadFrame_GetsOneErrorFrame_AndTheSocketStaysOpen(string frame, string error)
    {
        var token = await ChatAccounts.RegisterAsync(_app, "bad" + Guid.NewGuid().ToString("N")[..8]);
        await using var a = await TestClient.ConnectAsync(RoomUri("errors", token));
        var reply = await a.RequestAsync(frame);
        Assert.That(reply.ToJsonString(), Is.EqualTo(new System.Text.Json.Nodes.JsonObject { ["error"] = error }.ToJsonString()));
        Assert.That(await a.SendAndReceiveTextAsync("""{"message": "still here"}"""), Is.EqualTo("""{"message":"still here"}"""));
    }

    [Test]
    public async Task Socket_WithoutSignIn_Gets401()
        => Assert.That(await Handshake.StatusAsync(RoomUri("lobby", null)), Is.EqualTo(HttpStatusCode.Unauthorized));

    [TestCase("dot.ted")]
    [TestCase("col:on")]
    [TestCase("a-name-of-fifty-one-characters-is-one-too-many-xxxx")]
    public async Task RoomNameTheDcrfRoomWouldRefuse_Gets403(string room)
    {
        var token = await ChatAccounts.RegisterAsync(_app, "names" + Guid.NewGuid().ToString("N")[..8]);
        Assert.That(await Handshake.StatusAsync(RoomUri(room, token)), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Handshake.StatusAsync(RoomUri("fine_name-1", token)), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }
}
