using Consumers.Testing.Nats;
using Microsoft.Playwright;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat sample in a real browser: users sign up and sign in on its pages; two users, history, hostile text, a server
/// restart (the sign-in cookie survives it), two nodes over NATS, a node killed under a page.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatBrowserTests : BrowserFixture
{
    [Test]
    public async Task TwoUsersInOneRoom_ExchangeMessages_AndSeeEachOther()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "lobby", "ann");
        var bob = await Chromium.OpenRoomAsync(app, "lobby", "bob");

        await Browser.SendAsync(ann, "hello bob");
        await Assertions.Expect(bob.Locator("#messages li .text")).ToHaveTextAsync(["hello bob"]);
        await Browser.SendAsync(bob, "hi ann");
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["hello bob", "hi ann"]);
        await Assertions.Expect(ann.Locator("#users li")).ToHaveTextAsync(["ann", "bob"]);

        var screenshot = await ann.ScreenshotAsync();
        SaveScreenshot(screenshot);
    }

    [Test]
    public async Task Presence_WhoComesAndGoes_IsPushedToThePage_AsATypedEvent()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "presence", "ann");
        var bob = await Chromium.OpenRoomAsync(app, "presence", "bob");

        // The "presence" event (RoomConsumer's [Pushes(typeof(PresenceChange))]) through client.on("presence", ...).
        await Assertions.Expect(ann.Locator("#messages li.presence")).ToHaveTextAsync(["bob joined the room"]);
        await Assertions.Expect(ann.Locator("#users li")).ToHaveTextAsync(["ann", "bob"]);
        await Assertions.Expect(bob.Locator("#messages li.presence")).ToHaveCountAsync(0);

        await bob.CloseAsync();
        await Assertions.Expect(ann.Locator("#messages li.presence")).ToHaveTextAsync(["bob joined the room", "bob left the room"]);
        await Assertions.Expect(ann.Locator("#users li")).ToHaveTextAsync(["ann"]);
    }

    [Test]
    public async Task Search_StreamsTheMatchingMessages_NewestFirst_AndANewSearchReplacesTheOld()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "search", "ann");
        await Browser.SendAsync(ann, "apples are red");
        await Browser.SendAsync(ann, "bananas are yellow");
        await Browser.SendAsync(ann, "green apples too");
        await Assertions.Expect(ann.Locator("#messages li")).ToHaveCountAsync(3);

        await ann.Locator("#search-text").FillAsync("apples");
        await ann.Locator("#search-text").PressAsync("Enter");
        await Assertions.Expect(ann.Locator("#results li .text")).ToHaveTextAsync(["green apples too", "apples are red"]);
        await Assertions.Expect(ann.Locator("#search-state")).ToHaveTextAsync("2 messages");

        await ann.Locator("#search-text").FillAsync("yellow");
        await ann.Locator("#search-text").PressAsync("Enter");
        await Assertions.Expect(ann.Locator("#results li .text")).ToHaveTextAsync(["bananas are yellow"]);
        await Assertions.Expect(ann.Locator("#search-state")).ToHaveTextAsync("1 message");

        // The stream's 400 for a text over 100 characters reaches the page as the stream's end.
        await ann.Locator("#search-text").EvaluateAsync("(input, text) => { input.maxLength = 500; input.value = text; }", new string('x', 101));
        await ann.Locator("#search-text").PressAsync("Enter");
        await Assertions.Expect(ann.Locator("#search-state")).ToContainTextAsync("Use 1-100 characters.");
    }

    [Test]
    public async Task HostileText_ShowsAsText()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "xss", "ann");
        var bob = await Chromium.OpenRoomAsync(app, "xss", "<b>bob</b>");
        const string hostile = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";

        await Browser.SendAsync(bob, hostile);
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync([hostile]);
        Assert.Multiple(async () =>
        {
            Assert.That(await ann.Locator("#messages img, #messages script, #messages b").CountAsync(), Is.Zero, "no element was created from user text");
            Assert.That(await ann.EvaluateAsync<bool>("() => window.pwned === undefined"), Is.True, "no script ran");
            Assert.That(await ann.Locator("#messages li .user").InnerTextAsync(), Is.EqualTo("<b>bob</b>"));
        });
    }

    [Test]
    public async Task Reload_ShowsTheHistory()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "history", "ann");
        await Browser.SendAsync(ann, "first");
        await Browser.SendAsync(ann, "second");
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["first", "second"]);

        await ann.ReloadAsync();
        await Browser.WaitConnectedAsync(ann);
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["first", "second"]);
    }

    [Test]
    public async Task ServerRestart_PageShowsTheLostConnection_Reconnects_AndKeepsReceiving()
    {
        var app = await ChatApp.StartAsync(Database);
        try
        {
            var ann = await Chromium.OpenRoomAsync(app, "restart", "ann");
            var bob = await Chromium.OpenRoomAsync(app, "restart", "bob");

            await app.KillAsync();
            await Assertions.Expect(ann.Locator("#state")).ToHaveAttributeAsync("data-state", "disconnected", new() { Timeout = 15_000 });
            await Assertions.Expect(ann.Locator("#message")).ToBeDisabledAsync();

            await app.StartAsync();
            await Browser.WaitConnectedAsync(ann);
            await Browser.WaitConnectedAsync(bob);
            await Browser.SendAsync(bob, "after the restart");
            await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["after the restart"], new() { Timeout = 15_000 });
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Test]
    public async Task NetworkDrop_ThePageResumes_AndLosesNoLine()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var ann = await Chromium.OpenRoomAsync(app, "drop", "ann");
        var bob = await Chromium.OpenRoomAsync(app, "drop", "bob");

        // Ann's sockets go through Playwright's WebSocket route, so the test can cut the page's side of one while the
        // server's side stays open, as a network drop leaves it (Chromium's offline mode does not touch open sockets).
        var routes = new List<IWebSocketRoute>();
        await ann.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/ws/rooms"), route =>
        {
            route.ConnectToServer();
            route.OnClose((_, _) => { });
            lock (routes)
            {
                routes.Add(route);
            }
        });
        await ann.ReloadAsync();
        await Browser.WaitConnectedAsync(ann);
        await Browser.SendAsync(bob, "before");
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before"]);

        IWebSocketRoute dropped;
        lock (routes)
        {
            dropped = routes[^1];
        }

        // The page loses its socket; the server's socket of it stays, and what bob says goes to it, unread.
        await dropped.CloseAsync(new() { Code = 4000, Reason = "network drop" });
        foreach (var line in new[] { "one", "two", "three" })
        {
            await Browser.SendAsync(bob, line);
        }

        // The page came back with its token: the server let the old socket go and resumed the session.
        await Browser.WaitConnectedAsync(ann);
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three"], new() { Timeout = 15_000 });
        await Assertions.Expect(ann.Locator("#state")).ToHaveAttributeAsync("data-session", "resumed");
        lock (routes)
        {
            Assert.That(routes, Has.Count.GreaterThan(1), "the page opened a second socket");
            Assert.That(routes[^1].Url, Does.Contain("consumers_resume="), "with its session's token");
        }

        await Browser.SendAsync(ann, "back");
        await Assertions.Expect(bob.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three", "back"]);
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three", "back"]);
    }

    [Test]
    public async Task PagesOnTwoNodes_ExchangeMessages_OverNats()
    {
        // As build/run-chat.sh --nats runs it: JetStream on, so the nodes keep group messages across a NATS outage.
        await using var nats = await NatsServer.StartJetStreamAsync(Path.Combine(Folder, "jetstream"));
        await using var nodeA = await ChatApp.StartAsync(Database, nats.Url);
        await using var nodeB = await ChatApp.StartAsync(Database, nats.Url);
        using (var http = new HttpClient())
        {
            Assert.That(await http.GetStringAsync(new Uri($"{nodeA.Url}/healthz")), Is.EqualTo("Healthy"), "the consumers-nats health check behind /healthz");
        }

        var ann = await Chromium.OpenRoomAsync(nodeA, "nodes", "ann");
        var bob = await Chromium.OpenRoomAsync(nodeB, "nodes", "bob");

        // Bob's arrival on node B is a typed push to the room's presence group, which reaches ann's page on node A.
        await Assertions.Expect(ann.Locator("#messages li.presence")).ToHaveTextAsync(["bob joined the room"]);
        await Browser.SendAsync(ann, "from node A");
        await Assertions.Expect(bob.Locator("#messages li .text")).ToHaveTextAsync(["from node A"]);
        await Browser.SendAsync(bob, "from node B");
        await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["from node A", "from node B"]);
        await Assertions.Expect(ann.Locator("#users li")).ToHaveTextAsync(["ann", "bob"]);
    }

    [Test]
    public async Task NodeKilled_ThePageRecoversOnTheOtherNode_AndShowsEveryLineOnce()
    {
        // Two nodes on NATS with JetStream behind a stand-in load balancer; ann's page reaches node A through it.
        await using var nats = await NatsServer.StartJetStreamAsync(Path.Combine(Folder, "jetstream"));
        var nodeA = await ChatApp.StartAsync(Database, nats.Url);
        try
        {
            await using var nodeB = await ChatApp.StartAsync(Database, nats.Url);
            await using var balancer = SwitchableProxy.Start(nodeA.Port);
            var ann = await Chromium.OpenRoomAsync(balancer.Url, "failover", "ann");
            var bob = await Chromium.OpenRoomAsync(nodeB, "failover", "bob");
            await Browser.SendAsync(bob, "before");
            await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before"]);

            // Node A dies with ann's session on it; bob goes on talking; then the balancer sends ann's page to node B.
            await nodeA.KillAsync();
            await Assertions.Expect(ann.Locator("#state")).ToHaveAttributeAsync("data-state", "disconnected", new() { Timeout = 15_000 });
            foreach (var line in new[] { "one", "two", "three" })
            {
                await Browser.SendAsync(bob, line);
            }

            await Assertions.Expect(bob.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three"]);
            balancer.SwitchTo(nodeB.Port);

            await Browser.WaitConnectedAsync(ann);
            await Assertions.Expect(ann.Locator("#state")).ToHaveAttributeAsync("data-session", "recovered", new() { Timeout = 15_000 });
            await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three"], new() { Timeout = 15_000 });
            await Browser.SendAsync(ann, "back");
            await Assertions.Expect(bob.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three", "back"]);
            await Assertions.Expect(ann.Locator("#messages li .text")).ToHaveTextAsync(["before", "one", "two", "three", "back"]);
        }
        finally
        {
            await nodeA.DisposeAsync();
        }
    }

    [Test]
    public async Task SignIn_InAnotherBrowser_EntersTheRoomAsTheSameUser()
    {
        await using var app = await ChatApp.StartAsync(Database);
        var first = await Chromium.OpenRoomAsync(app, "again", "ann");
        await Browser.SendAsync(first, "from the first browser");

        // A fresh context has no cookie: the room page sends it to sign in, and back after.
        var second = await Chromium.NewPageAsync();
        await second.GotoAsync($"{app.Url}/chat/again/");
        await second.WaitForURLAsync($"{app.Url}/signin.html?next=%2Fchat%2Fagain%2F");
        await Browser.SubmitAccountAsync(second, second.Url, "ann", Browser.Password);
        await Browser.WaitConnectedAsync(second);
        await Assertions.Expect(second.Locator("#messages li .text")).ToHaveTextAsync(["from the first browser"]);
        await Browser.SendAsync(second, "from the second browser");
        await Assertions.Expect(first.Locator("#messages li .user")).ToHaveTextAsync(["ann", "ann"]);
    }

    [Test]
    public async Task SignIn_WithAWrongPassword_ShowsAnError_AndStaysSignedOut()
    {
        await using var app = await ChatApp.StartAsync(Database);
        await Chromium.OpenRoomAsync(app, "lobby", "ann");
        var page = await Chromium.NewPageAsync();
        await Browser.SubmitAccountAsync(page, $"{app.Url}/signin.html", "ann", "not the password");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Wrong name or password.");
        await page.GotoAsync($"{app.Url}/");
        await page.WaitForURLAsync($"{app.Url}/signin.html");
    }

    [Test]
    public async Task SignUp_WithATakenOrInvisibleName_ShowsWhy()
    {
        await using var app = await ChatApp.StartAsync(Database);
        await Chromium.OpenRoomAsync(app, "lobby", "ann");
        var page = await Chromium.NewPageAsync();
        await Browser.SubmitAccountAsync(page, $"{app.Url}/signup.html", "ann", Browser.Password);
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("This name is taken, or looks like one that is.");
        await Browser.SubmitAccountAsync(page, page.Url, "ann\u200b", Browser.Password);
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("zero-width");
    }


    // Kept with the test results; copied to docs/ (the README's picture) when CONSUMERS_UPDATE_SCREENSHOT=1.
    private static void SaveScreenshot(byte[] png)
    {
        var root = ChatApp.RepositoryRoot();
        var artifacts = Path.Combine(root, "artifacts");
        Directory.CreateDirectory(artifacts);
        File.WriteAllBytes(Path.Combine(artifacts, "chat.png"), png);
        if (Environment.GetEnvironmentVariable("CONSUMERS_UPDATE_SCREENSHOT") == "1")
        {
            File.WriteAllBytes(Path.Combine(root, "docs", "chat.png"), png);
        }
    }
}
