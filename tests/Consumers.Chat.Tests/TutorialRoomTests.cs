using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Consumers.Testing.Nats;
using Microsoft.Playwright;

namespace Consumers.Chat.Tests;

/// <summary>
/// The Django Channels tutorial's room of the chat sample (<c>/channels/{room}/</c> over the plain JSON consumer at
/// <c>/ws/chat/{room_name}</c>) in chromium: signed-in users exchange messages in the textarea log, on one node and
/// across two nodes over NATS.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TutorialRoomBrowserTests : BrowserFixture
{

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
        await using var nats = await NatsServer.StartJetStreamAsync(Path.Combine(Folder, "jetstream"));
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

        var page = await Chromium.NewPageAsync();
        await page.GotoAsync($"{app.Url}/channels/again/");
        await page.WaitForURLAsync($"{app.Url}/signin.html?next=%2Fchannels%2Fagain%2F");
        await Browser.SubmitAccountAsync(page, page.Url, "ann", Browser.Password);
        await Browser.WaitConnectedAsync(page);
        await SendAsync(page, "signed in again");
        await Assertions.Expect(ann.Locator("#chat-log")).ToHaveValueAsync("signed in again\n");
    }

    private Task<IPage> OpenAsync(ChatApp app, string room, string username) => Chromium.OpenSignedUpAsync(app, $"/channels/{room}/", username);

    private static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#chat-message-input").FillAsync(text);
        await page.Locator("#chat-message-input").PressAsync("Enter");
    }
}

/// <summary>
/// The tutorial room's socket without a browser (in process, through Consumers.Testing): its wire format, its sign-in,
/// its room names, its errors.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TutorialRoomSocketTests
{
    private ChatFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new ChatFactory();
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static string RoomPath(string room, string? token)
        => $"/ws/chat/{room}{(token is null ? "" : "?access_token=" + Uri.EscapeDataString(token))}";

    [Test]
    public async Task Message_ReachesEveryMemberOfTheRoom_AsTheTutorialsFrame()
    {
        var token = await ChatAccounts.RegisterAsync(_http, "tutor");
        await using var a = await _app.ConnectAsync(RoomPath("wire", token));
        await using var b = await _app.ConnectAsync(RoomPath("wire", token));
        await using var other = await _app.ConnectAsync(RoomPath("other-wire", token));

        await a.SendAsync("""{"message": "hi \"all\""}""");
        foreach (var member in new[] { a, b })
        {
            var frame = await member.ReceiveAsync();
            Assert.That(frame.Json.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "message" }), "the tutorial's frame, nothing else");
            Assert.That(frame.Json.GetProperty("message").GetString(), Is.EqualTo("hi \"all\""));
        }

        // The other room got nothing: its next frame is its own message.
        await other.SendAsync("""{"message": "mine"}""");
        Assert.That((await other.ReceiveAsync()).RawJson, Is.EqualTo("""{"message":"mine"}"""));
    }

    [TestCase("""{"text": "no message key"}""", "The message does not have the expected shape.")]
    [TestCase("""{"message": null}""", "The message does not have the expected shape at $.message.")]
    [TestCase("""{"message": ""}""", "Use 1-2000 characters.")]
    [TestCase("""{"message": "unterminated""", "Malformed JSON at byte 25.")]
    public async Task BadFrame_GetsOneErrorFrame_AndTheSocketStaysOpen(string frame, string error)
    {
        var token = await ChatAccounts.RegisterAsync(_http, "bad" + Guid.NewGuid().ToString("N")[..8]);
        await using var a = await _app.ConnectAsync(RoomPath("errors", token));
        await a.SendAsync(frame);
        Assert.That((await a.ReceiveAsync()).RawJson, Is.EqualTo(new System.Text.Json.Nodes.JsonObject { ["error"] = error }.ToJsonString()));
        await a.SendAsync("""{"message": "still here"}""");
        Assert.That((await a.ReceiveAsync()).RawJson, Is.EqualTo("""{"message":"still here"}"""));
    }

    [Test]
    public void Socket_WithoutSignIn_Gets401()
    {
        var refused = Assert.ThrowsAsync<ConsumerHandshakeException>(() => _app.ConnectAsync(RoomPath("lobby", null)));
        Assert.That(refused!.StatusCode, Is.EqualTo(401));
    }

    [TestCase("dot.ted")]
    [TestCase("col:on")]
    [TestCase("a-name-of-fifty-one-characters-is-one-too-many-xxxx")]
    public async Task RoomNameTheDcrfRoomWouldRefuse_Gets403(string room)
    {
        var token = await ChatAccounts.RegisterAsync(_http, "names" + Guid.NewGuid().ToString("N")[..8]);
        var refused = Assert.ThrowsAsync<ConsumerHandshakeException>(() => _app.ConnectAsync(RoomPath(room, token)));
        Assert.That(refused!.StatusCode, Is.EqualTo(403));
        await using var fine = await _app.ConnectAsync(RoomPath("fine_name-1", token));
    }
}
