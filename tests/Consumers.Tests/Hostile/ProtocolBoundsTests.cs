using System.Net.WebSockets;
using System.Text;
using Consumers.Protocol;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Hostile;

/// <summary>
/// The bounds on what a client can make the server hold, echo or log, and the escapes that are JSON but no text:
/// each attacks a running server over a real socket and checks that the attacker's connection stays usable where
/// the protocol says so.
/// </summary>
[TestFixture]
public sealed class ProtocolBoundsTests
{
    private static Task<TestHost> StartAsync(Action<ConsumerOptions>? configure = null) => TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<EchoConsumer>("/ws/echo");
            app.MapConsumer<GuardedConsumer>("/ws/guarded");
            app.MapConsumers("/ws/multi", s => s.Add<EchoConsumer>("echo"));
        },
        o =>
        {
            o.RateLimitPerSecond = 0;
            configure?.Invoke(o);
        },
        s => s.AddScoped<Counter>());

    [Test]
    public async Task RequestIdOf256Bytes_IsEchoed_AndOneByteMore_Gets400_WithoutEcho_AndTheConnectionStays()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var longest = "\"" + new string('a', ProtocolErrors.MaxRequestIdBytes - 2) + "\"";
        var reply = await client.RequestAsync($$"""{"action": "add", "a": 1, "b": 2, "request_id": {{longest}}}""");
        Assert.That(reply["request_id"]!.ToJsonString(), Is.EqualTo(longest));

        var tooLong = "\"" + new string('a', ProtocolErrors.MaxRequestIdBytes - 1) + "\"";
        var refused = await client.RequestAsync($$"""{"action": "add", "a": 1, "b": 2, "request_id": {{tooLong}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused["response_status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(refused["request_id"], Is.Null);
            Assert.That(refused["errors"]![0]!.GetValue<string>(), Is.EqualTo(ProtocolErrors.RequestIdTooLong));
        });
        await AssertAnswersAsync(client);
    }

    [Test]
    public async Task RequestIdOfAMegabyte_AsAnObject_IsNotEchoed_AndTheReplyStaysSmall()
    {
        await using var host = await StartAsync(o => o.MaxMessageSize = 2 * 1024 * 1024);
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/multi"));
        var big = "{\"k\": \"" + new string('x', 1024 * 1024) + "\"}";
        for (var i = 0; i < 5; i++)
        {
            var reply = await client.SendAndReceiveTextAsync($$$"""{"stream": "echo", "payload": {"action": "nope", "request_id": {{{big}}}}}""");
            Assert.That(reply, Has.Length.LessThan(512), "the reply echoes nothing of the request id");
            Assert.That(reply, Does.Contain("\"response_status\":400"));
        }
    }

    [Test]
    public async Task ClientThatStopsReading_SendingHugeRequestIds_DoesNotMakeTheServerHoldThem()
    {
        const int messages = 100;
        await using var host = await StartAsync(o => o.MaxMessageSize = 1024 * 1024);
        var request = Encoding.UTF8.GetBytes($$"""{"action": "nope", "request_id": "{{new string('r', 1_000_000)}}"}""");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var attacker = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var answered = () => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "BadFrame" && e.Message.Contains(ProtocolErrors.RequestIdTooLong, StringComparison.Ordinal));
        var answeredBefore = answered();

        // The attacker never reads: before the bound, each 405 reply echoed its megabyte into the send queue.
        for (var i = 0; i < messages; i++)
        {
            await attacker.SendAsync(request, WebSocketMessageType.Text);
        }

        // Until every message is answered (at most 10 s: a server that echoes never logs these answers).
        for (var waited = 0; waited < 200 && answered() - answeredBefore < messages; waited++)
        {
            await Task.Delay(50);
        }

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        // Pooled receive buffers (ArrayPool keeps a few 1 MiB arrays) stay; echoing would have kept about 100 MB.
        Assert.That(growth, Is.LessThan(50 * 1024 * 1024), $"the server grew by {growth / 1024 / 1024} MiB for {messages} MB of request ids");
    }

    [TestCase("""{"action": "echo", "text": "\ud800", "request_id": 1}""", TestName = "InvalidEscape_InAParameter_Gets400_AndTheConnectionStays")]
    [TestCase("""{"action": "ec\udc00ho", "text": "x", "request_id": 1}""", TestName = "InvalidEscape_InTheAction_Gets400_AndTheConnectionStays")]
    [TestCase("""{"action": "create", "data": {"name": "a\ud800b"}, "request_id": 1}""", TestName = "InvalidEscape_InsideADto_Gets400_AndTheConnectionStays")]
    [TestCase("""{"action": "echo", "te\ud800xt": "x", "request_id": 1}""", TestName = "InvalidEscape_InAKey_Gets400_AndTheConnectionStays")]
    [TestCase("""{"action": "echo", "text": "x", "request_id": "\ud800"}""", TestName = "InvalidEscape_InTheRequestId_Gets400_AndTheConnectionStays")]
    public async Task InvalidEscape_Gets400(string request)
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var reply = await client.RequestAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(reply["errors"]![0]!.GetValue<string>(), Does.StartWith("Invalid escape"));
        });
        await AssertAnswersAsync(client);
    }

    [TestCase("""{"stream": "ec\ud800ho", "payload": {"action": "add", "a": 1, "b": 2}}""", TestName = "InvalidEscape_InTheStream_Gets400_AndTheConnectionStays")]
    [TestCase("""{"stream": "echo", "payload": {"action": "a\ud800dd", "a": 1, "b": 2}}""", TestName = "InvalidEscape_InAMultiplexedAction_Gets400_AndTheConnectionStays")]
    [TestCase("""{"str\ud800eam": "echo", "payload": {"action": "add", "a": 1, "b": 2}}""", TestName = "InvalidEscape_InAMultiplexedKey_Gets400_AndTheConnectionStays")]
    public async Task InvalidEscape_Multiplexed_Gets400(string request)
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/multi"));
        var reply = await client.RequestAsync(request);
        var payload = reply["payload"]?.AsObject() ?? reply;
        Assert.Multiple(() =>
        {
            Assert.That(payload["response_status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(payload["errors"]![0]!.GetValue<string>(), Does.StartWith("Invalid escape"));
        });
        var next = await client.RequestAsync("""{"stream": "echo", "payload": {"action": "add", "a": 2, "b": 3, "request_id": 9}}""");
        Assert.That(next["payload"]!["data"]!.GetValue<int>(), Is.EqualTo(5));
    }

    [Test]
    public async Task ValidEscapes_StillWork()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var reply = await client.RequestAsync("""{"act\u0069on": "ec\u0068o", "text": "\ud83d\ude00\n\u00e9", "request_id": "\u0041"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("\U0001F600\n\u00e9"));
            Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("A"));
        });
    }

    [Test]
    public async Task UnfinishedFragmentedMessage_IsClosedWith1008_AfterTheDeadline()
    {
        await using var host = await StartAsync(o => o.FragmentedMessageTimeout = TimeSpan.FromMilliseconds(500));
        await using var attacker = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await using var bystander = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var started = DateTime.UtcNow;
        await attacker.SendAsync(Encoding.UTF8.GetBytes("""{"action": "echo", "text": """), WebSocketMessageType.Text, endOfMessage: false);

        // Fragments that keep coming do not extend the deadline.
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(100);
            await attacker.SendAsync(Encoding.UTF8.GetBytes("\"xxxx"), WebSocketMessageType.Text, endOfMessage: false);
        }

        Assert.That(await attacker.ReceiveCloseAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.Multiple(() =>
        {
            Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)));
            Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "MessageNotFinished"), Is.True);
        });
        await AssertAnswersAsync(bystander);
    }

    [Test]
    public async Task FragmentedMessagesFinishedInTime_AreHandled_AndTheDeadlineRestartsForEach()
    {
        await using var host = await StartAsync(o => o.FragmentedMessageTimeout = TimeSpan.FromMilliseconds(600));
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 4; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes("""{"action": "add", "a": 1,"""), WebSocketMessageType.Text, endOfMessage: false);
            await Task.Delay(250);
            await client.SendAsync(Encoding.UTF8.GetBytes($$""" "b": {{i}}}"""), WebSocketMessageType.Text, endOfMessage: true);
            var reply = await client.ReceiveAsync();
            Assert.That(reply["data"]!.GetValue<int>(), Is.EqualTo(1 + i));
        }
    }

    [Test]
    public async Task HugeActionName_IsTruncatedInTheLogAndIn405_AndTheConnectionStays()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/guarded"));
        var name = "delete" + new string('z', 200_000);
        var denied = await client.RequestAsync($$"""{"action": "{{name}}", "request_id": 1}""");
        Assert.That(denied["response_status"]!.GetValue<int>(), Is.EqualTo(401), "anonymous: denied before the action is looked up");
        var log = CapturingLoggerProvider.Instance.Entries.Last(e => e.EventId.Name == "ActionDenied");
        Assert.That(log.Message, Has.Length.LessThan(1024));

        await using var echo = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var unknown = await echo.RequestAsync($$"""{"action": "{{name}}", "request_id": 1}""");
        Assert.Multiple(() =>
        {
            Assert.That(unknown["response_status"]!.GetValue<int>(), Is.EqualTo(405));
            Assert.That(unknown["errors"]![0]!.GetValue<string>(), Has.Length.LessThan(1024));
        });
        await AssertAnswersAsync(echo);
    }

    [Test]
    public async Task HugeUnknownStreamName_IsTruncatedInTheErrorAndTheLog()
    {
        await using var host = await StartAsync();
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/multi"));
        var stream = new string('s', 200_000);
        var reply = await client.RequestAsync($$$"""{"stream": "{{{stream}}}", "payload": {"action": "add"}}""");
        Assert.That(reply["payload"]!["errors"]![0]!.GetValue<string>(), Has.Length.LessThan(1024));
        var log = CapturingLoggerProvider.Instance.Entries.Last(e => e.EventId.Name == "BadFrame" && e.Message.Contains("Unknown stream", StringComparison.Ordinal));
        Assert.That(log.Message, Has.Length.LessThan(1024));
    }

    private static async Task AssertAnswersAsync(TestClient client)
    {
        var reply = await client.RequestAsync("""{"action": "add", "a": 20, "b": 22, "request_id": "after"}""");
        Assert.That(reply["data"]!.GetValue<int>(), Is.EqualTo(42));
    }
}
