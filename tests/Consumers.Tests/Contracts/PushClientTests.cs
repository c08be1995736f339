using System.Collections.Concurrent;
using System.Text.Json;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Contracts;

/// <summary>
/// Server pushes through this assembly's generated clients against a real Kestrel host: the JavaScript client in Node
/// (typed handlers, unsubscribe, the catch-all), its declarations under <c>tsc --strict</c>, and the .NET client's
/// <c>On{Event}</c> callbacks and <c>OnFrame</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PushClientTests
{
    private TestHost _host = null!;

    private string BaseUrl => _host.BaseUri.ToString().TrimEnd('/');

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<PushConsumer>("/ws/push/{room}");
        app.MapConsumersClient();
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task NodeScript_ReceivesGroupSends_ThroughTypedHandlers_AndTheCatchAll()
    {
        var (code, output) = await NodeScripts.RunAsync("drive-pushes.mjs", BaseUrl);

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: pushes to typed handlers, unsubscribe, catch-all, data-less 2xx rejected"));
    }

    [Test]
    public async Task TypeScript_TypesTheEventHandlers_AndRejectsAWrongOne()
    {
        var (good, goodOutput) = await NodeScripts.RunAsync("typecheck.mjs", BaseUrl, "typecheck/pushes-usage.ts");
        var (bad, badOutput) = await NodeScripts.RunAsync("typecheck.mjs", BaseUrl, "typecheck/pushes-misuse.ts");

        Assert.That(good, Is.Zero, goodOutput);
        Assert.That(goodOutput, Does.Contain("OK: pushes-usage.ts type-checks"));
        Assert.That(bad, Is.EqualTo(1), badOutput);
        Assert.That(badOutput, Does.Contain("TS2769"), "no overload of on() takes a (x: number) handler for lineSaid");
    }

    [Test]
    public async Task DotNetClient_GetsEachPushInItsTypedCallback_AndTheRestInOnFrame()
    {
        var room = "dotnet-" + Guid.NewGuid().ToString("n");
        await using var ann = await PushConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/push/" + room));
        await using var bob = await PushConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/push/" + room));
        var lines = new ConcurrentQueue<LineSaid>();
        var closed = new ConcurrentQueue<int>();
        var frames = new ConcurrentQueue<string>();
        var subscription = bob.OnLineSaid(lines.Enqueue);
        using var closing = bob.OnRoomClosed(change => closed.Enqueue(change.Room));
        using var catchAll = bob.OnFrame(frame => frames.Enqueue(frame.GetRawText()));
        using var failing = bob.OnRoomClosed(_ => throw new InvalidOperationException("a handler's own failure"));

        await ann.SayAsync("hello");
        await ann.NoteAsync("plain");
        await ann.CloseRoomAsync(3);
        await Eventually.WaitUntilAsync(() => lines.Count == 1 && frames.Count == 1 && closed.Count == 1);
        Assert.That(lines.Single().Text, Is.EqualTo("hello"));
        Assert.That(frames.Single(), Is.EqualTo("""{"text":"plain"}"""));
        Assert.That(closed.Single(), Is.EqualTo(3), "a handler that throws does not stop the others");

        // Disposed: the next line is unclaimed and reaches the catch-all.
        subscription.Dispose();
        await ann.SayAsync("after");
        await Eventually.WaitUntilAsync(() => frames.Count == 2);
        Assert.That(JsonDocument.Parse(frames.Last()).RootElement.GetProperty("action").GetString(), Is.EqualTo("line_said"));
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That((await bob.LastAsync(false)).Status, Is.EqualTo(200), "the connection goes on after a failing handler");
    }
}
