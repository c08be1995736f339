using System.Text.Json;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Contracts;

/// <summary>
/// Streaming and concurrent actions (<see cref="CallsConsumer"/>) through this assembly's generated JavaScript client
/// in Node against a real Kestrel host: items then the end, errors, <c>$cancel</c> on a loop left early and on an
/// <c>AbortSignal</c>, the declarations under <c>tsc --strict</c>, and the AsyncAPI document under @asyncapi/parser.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NodeClientCallsTests
{
    private TestHost _host = null!;
    private CallLog _log = null!;

    private string BaseUrl => _host.BaseUri.ToString().TrimEnd('/');

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _log = new CallLog();
        _host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<CallsConsumer>("/ws/calls");
                app.MapConsumer<EchoConsumer>("/ws/echo");
                app.MapConsumersClient();
                app.MapAsyncApi();
            },
            o => o.RateLimitPerSecond = 0,
            s => s.AddSingleton(_log).AddSingleton(new ActionGate()).AddScoped<Counter>());
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task NodeScript_StreamsItems_AndCancelsWhatItLeaves_ThroughTheGeneratedClient()
    {
        var (code, output) = await NodeScripts.RunAsync("drive-calls.mjs", BaseUrl);

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: streams, cancels and aborts"));

        // The server saw the token of each call the script gave up on cancelled: $cancel reached it.
        foreach (var name in new[] { "js-break", "js-abort-stream", "js-wait" })
        {
            await Eventually.WaitUntilAsync(() => _log.Count(name + ":cancelled") == 1);
        }

        Assert.Multiple(() =>
        {
            Assert.That(_log.Count("js-never:start") + _log.Count("js-never-stream:start"), Is.Zero, "an aborted signal sends nothing");
            Assert.That(_log.Count("js-ordered:end"), Is.EqualTo(1), "an ordered action is not cancelled; it runs on");
        });
    }

    [Test]
    public async Task TypeScript_TypesStreamItems_AndAcceptsSignals_AndRejectsEveryMarkedMisuse()
    {
        var (code, output) = await NodeScripts.RunAsync("typecheck.mjs", BaseUrl, "typecheck/calls-usage.ts");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: calls-usage.ts type-checks"));
    }

    [Test]
    public async Task TypeScript_RejectsAStreamItem_UsedAsAnotherType()
    {
        var (code, output) = await NodeScripts.RunAsync("typecheck.mjs", BaseUrl, "typecheck/calls-misuse.ts");

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("TS2322: Type 'number' is not assignable to type 'string'."));
    }

    [Test]
    public async Task AsyncApiDocument_WithStreamsConcurrentActionsAndCancel_ParsesWithoutErrorDiagnostics()
    {
        var (code, output) = await NodeScripts.RunAsync("parse-asyncapi.mjs", BaseUrl + "/consumers/asyncapi.json");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: AsyncAPI 3.0.0, 2 channels"), output);
        Assert.That(output, Does.Not.Contain("warning"), "the stream, concurrent and $cancel parts raise no warning either");
    }

    [Test]
    public async Task AsyncApiDocument_DescribesStreamsAsItemsThenTheEnd_MarksConcurrentActions_AndHasCancel()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(BaseUrl + "/consumers/asyncapi.json"));
        var operations = document.RootElement.GetProperty("operations");
        var messages = document.RootElement.GetProperty("channels").GetProperty("ws_calls").GetProperty("messages");
        var count = operations.GetProperty("ws_calls.count");
        var item = messages.GetProperty("count.item").GetProperty("payload").GetProperty("properties");
        var end = messages.GetProperty("count.end").GetProperty("payload").GetProperty("properties");
        var cancel = operations.GetProperty("ws_calls._cancel");
        var cancelRequest = messages.GetProperty("_cancel.request").GetProperty("payload");
        var cancelReply = messages.GetProperty("_cancel.reply").GetProperty("payload").GetProperty("properties");

        Assert.Multiple(() =>
        {
            Assert.That(References(count.GetProperty("reply").GetProperty("messages")), Is.EqualTo(new[] { "#/channels/ws_calls/messages/count.item", "#/channels/ws_calls/messages/count.end" }));
            Assert.That(count.GetProperty("x-consumers-stream").GetBoolean(), Is.True);
            Assert.That(count.TryGetProperty("x-consumers-concurrent", out _), Is.False, "a stream is not marked concurrent unless it says so");
            Assert.That(item.GetProperty("data").GetProperty("type").GetString(), Is.EqualTo("integer"), "the item schema, not an array");
            Assert.That(item.GetProperty("response_status").GetProperty("const").GetInt32(), Is.EqualTo(200));
            Assert.That(end.GetProperty("data").GetProperty("type").GetString(), Is.EqualTo("null"));
            Assert.That(end.GetProperty("response_status").GetProperty("description").GetString(), Does.StartWith("204 at the end"));
            Assert.That(messages.TryGetProperty("count.reply", out _), Is.False);

            var slow = operations.GetProperty("ws_calls.slow");
            Assert.That(slow.GetProperty("x-consumers-concurrent").GetBoolean(), Is.True);
            Assert.That(slow.GetProperty("description").GetString(), Does.Contain("$cancel"));
            Assert.That(References(slow.GetProperty("reply").GetProperty("messages")), Is.EqualTo(new[] { "#/channels/ws_calls/messages/slow.reply" }));
            Assert.That(operations.GetProperty("ws_calls.quick").TryGetProperty("x-consumers-concurrent", out _), Is.False);

            Assert.That(cancel.GetProperty("action").GetString(), Is.EqualTo("receive"));
            Assert.That(cancel.GetProperty("title").GetString(), Is.EqualTo("$cancel"));
            Assert.That(cancelRequest.GetProperty("properties").GetProperty("action").GetProperty("const").GetString(), Is.EqualTo("$cancel"));
            Assert.That(cancelRequest.GetProperty("required").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "action", "request_id" }));
            Assert.That(cancelReply.GetProperty("action").GetProperty("const").GetString(), Is.EqualTo("$cancel"));
            Assert.That(operations.TryGetProperty("ws_echo._cancel", out _), Is.False, "a consumer with nothing to cancel has no $cancel");
            Assert.That(operations.GetProperty("ws_echo.add").TryGetProperty("x-consumers-stream", out _), Is.False);
        });
    }

    private static string?[] References(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("$ref").GetString())];
}
