using System.Net;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's generated JavaScript client: served with its declarations, driving the chat from Node (the ws package),
/// and type-checked by the typescript package (good usage passes, each misuse is rejected).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClientTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-client-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task ClientFiles_AreServed_AsAModuleAndDeclarations_WithAnETag()
    {
        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));
        using var http = new HttpClient();

        var js = await http.GetAsync(app.Url + "/consumers/client.js");
        var dts = await http.GetAsync(app.Url + "/consumers/client.d.ts");
        using var again = new HttpRequestMessage(HttpMethod.Get, app.Url + "/consumers/client.js");
        again.Headers.IfNoneMatch.Add(js.Headers.ETag!);
        var revalidated = await http.SendAsync(again);

        Assert.Multiple(async () =>
        {
            Assert.That(js.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(await js.Content.ReadAsStringAsync(), Does.Contain("export class RoomConsumerClient extends ConsumerClient"));
            Assert.That(dts.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/typescript"));
            Assert.That(await dts.Content.ReadAsStringAsync(), Does.Contain("joinRoom(params: { pk: number }, options?: CallOptions<MessageDto>): Promise<RoomDto>;"));
            Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        });
    }

    [Test]
    public async Task NodeScript_DrivesTheChat_ThroughTheGeneratedClient()
    {
        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));

        var (code, output) = await NodeScripts.RunAsync("drive-chat.mjs", app.Url);

        Assert.That(code, Is.Zero, output + "\n" + app.Log);
        Assert.That(output, Does.Contain("OK: created, joined, sent, received, errors as ActionError"));
    }

    [Test]
    public async Task TypeScript_AcceptsTheGoodUsage_AndRejectsEveryMarkedMisuse()
    {
        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));

        var (code, output) = await NodeScripts.RunAsync("typecheck.mjs", app.Url, "typecheck/chat-usage.ts");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: chat-usage.ts type-checks"));
    }

    [Test]
    public async Task TypeScript_RejectsAMisuse_ThatIsNotMarked()
    {
        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));

        var (code, output) = await NodeScripts.RunAsync("typecheck.mjs", app.Url, "typecheck/chat-misuse.ts");

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("TS2322: Type 'string' is not assignable to type 'number'."));
    }

    [Test]
    public async Task NodeClient_AfterAServerRestart_Reconnects_ResubscribesWithTheSameRequestId_AndKeepsReceiving()
    {
        var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));
        try
        {
            using var script = await NodeScripts.StartAsync("reconnect-chat.mjs", app.Url);
            await script.WaitForOutputAsync("SUBSCRIBED", TimeSpan.FromSeconds(60));

            await app.KillAsync();
            await app.StartAsync();

            var (code, output) = await script.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.That(code, Is.Zero, output + "\n" + app.Log);
            Assert.That(output, Does.Contain("OK: reconnected"));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
