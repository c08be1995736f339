using System.Net.WebSockets;
using System.Text;
using Consumers.Protocol;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests.Plain;

/// <summary>
/// Plain JSON consumers (a <c>[Receive]</c> handler, Channels' <c>JsonWebsocketConsumer</c>) over real sockets: frames
/// reach the handler without <c>action</c>, nothing is wrapped in an envelope, and bad input or a failing handler gets one
/// <c>{"error"}</c> frame while the socket stays open.
/// </summary>
[TestFixture]
public sealed class PlainConsumerTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<PlainChatConsumer>("/ws/plain/{room}");
            app.MapConsumer<PlainElementConsumer>("/ws/element");
            app.MapConsumer<PlainNoteConsumer>("/ws/note");
            app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
            app.MapConsumers("/ws/multi/{room}", s => s.Add<PlainChatConsumer>("chat").Add<RoomConsumer>("rooms"));
        },
        o => o.RateLimitPerSecond = 0);

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    private Task<TestClient> ConnectAsync(string room, string query = "")
        => TestClient.ConnectAsync(_host.WebSocketUri($"/ws/plain/{room}{query}"));

    [Test]
    public async Task Message_ReachesTheHandler_AndEveryMemberGetsThePlainObject()
    {
        await using var a = await ConnectAsync("lobby");
        await using var b = await ConnectAsync("lobby");
        await a.SendAsync("""{"message": "hello"}""");

        Assert.Multiple(async () =>
        {
            Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("""{"message":"hello"}"""));
            Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("""{"message":"hello"}"""));
        });
    }

    [Test]
    public async Task Send_FromTheHandler_IsThePlainObject_WithoutEnvelope()
    {
        await using var a = await ConnectAsync("echo");
        Assert.That(await a.SendAndReceiveTextAsync("""{"message": "echo:just me"}"""), Is.EqualTo("""{"message":"just me"}"""));
    }

    [Test]
    public async Task MalformedJson_GetsOneErrorFrame_AndTheSocketStaysOpen()
    {
        await using var a = await ConnectAsync("bad-json");
        var error = await a.RequestAsync("""{"message": """);
        Assert.That(error.Select(p => p.Key), Is.EqualTo(new[] { "error" }));
        Assert.That(error["error"]!.GetValue<string>(), Does.StartWith("Malformed JSON at byte"));
        await AssertEchoesAsync(a);
    }

    [TestCase("""[{"message": "hi"}]""")]
    [TestCase("\"hi\"")]
    public async Task JsonThatIsNotAnObject_GetsAnErrorFrame_AndTheSocketStaysOpen(string frame)
    {
        await using var a = await ConnectAsync("not-object");
        Assert.That(await a.SendAndReceiveTextAsync(frame), Is.EqualTo("""{"error":"Expected a JSON object."}"""));
        await AssertEchoesAsync(a);
    }

    [Test]
    public async Task MemberOfTheWrongType_GetsAnErrorNamingItsPath_AndTheSocketStaysOpen()
    {
        await using var a = await ConnectAsync("wrong-type");
        Assert.That(
            await a.SendAndReceiveTextAsync("""{"message": 42}"""),
            Is.EqualTo("""{"error":"The message does not have the expected shape at $.message."}"""));
        await AssertEchoesAsync(a);
    }

    [TestCase("""{}""")]
    [TestCase("""{"text": "hi"}""")]
    [TestCase("""{"message": null}""")]
    public async Task MissingOrNullRequiredMember_GetsAnErrorFrame_AndTheHandlerDoesNotRun(string frame)
    {
        await using var a = await ConnectAsync("missing");
        await using var b = await ConnectAsync("missing");
        Assert.That(await a.SendAndReceiveTextAsync(frame), Does.StartWith("""{"error":"The message does not have the expected shape"""));
        await AssertEchoesAsync(a);

        // Had the handler run, b would have got a group message before this one.
        await a.SendAsync("""{"message": "after"}""");
        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("""{"message":"after"}"""));
    }

    [Test]
    public async Task HandlerThatThrows_GetsAnInternalErrorFrame_IsLogged_AndTheSocketStaysOpen()
    {
        await using var a = await ConnectAsync("boom");
        Assert.That(await a.SendAndReceiveTextAsync("""{"message": "boom"}"""), Is.EqualTo("""{"error":"Internal server error"}"""));
        Assert.That(
            CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "ReceiveFailed" && e.Exception?.Message == "The handler failed on purpose."),
            Is.True);
        await AssertEchoesAsync(a);
    }

    [Test]
    public async Task BinaryFrame_GetsAnErrorFrame_NotAnEnvelope()
    {
        await using var a = await ConnectAsync("binary");
        await a.SendAsync(Encoding.UTF8.GetBytes("""{"message": "hi"}"""), WebSocketMessageType.Binary);
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo($$"""{"error":"{{ProtocolErrors.BinaryFrame}}"}"""));
        await AssertEchoesAsync(a);
    }

    [Test]
    public async Task MessagesOfOneConnection_AreHandledInOrder()
    {
        await using var a = await ConnectAsync("order");
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            await a.SendAsync($$"""{"message": "echo:{{i}}"}""");
        }

        for (var i = 0; i < count; i++)
        {
            Assert.That(await a.ReceiveTextAsync(), Is.EqualTo($$"""{"message":"{{i}}"}"""));
        }
    }

    [Test]
    public async Task GroupSend_FromAnActionConsumer_ReachesPlainMembers_AsThePayloadItself()
    {
        await using var plain = await ConnectAsync("mixed");
        await using var dcrf = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/rooms/elsewhere"));
        var reply = await dcrf.RequestAsync("""{"action": "tell", "group": "plain:mixed", "text": "from DCRF"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(await plain.ReceiveTextAsync(), Does.StartWith("{\"type\":\"tell\",\"from\":").And.EndWith(",\"text\":\"from DCRF\"}"));
    }

    [Test]
    public async Task PlainMembersGroupSend_ReachesAnActionConsumerInTheGroup_Unchanged()
    {
        await using var plain = await ConnectAsync("shared");
        await using var dcrf = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/rooms/other"));
        await dcrf.RequestAsync("""{"action": "join", "group": "plain:shared"}""");
        await plain.SendAsync("""{"message": "to everyone"}""");
        Assert.That(await dcrf.ReceiveTextAsync(), Is.EqualTo("""{"message":"to everyone"}"""));
    }

    [Test]
    public async Task ConsumerPermission_DenyingAMessage_GetsAnErrorFrame_AndTheHandlerDoesNotRun()
    {
        await using var muted = await ConnectAsync("muted", "?muted=1");
        await using var listener = await ConnectAsync("muted");
        Assert.That(await muted.SendAndReceiveTextAsync("""{"message": "let me in"}"""), Is.EqualTo($$"""{"error":"{{ProtocolErrors.NotAuthenticated}}"}"""));
        await listener.SendAsync("""{"message": "probe"}""");
        Assert.That(await listener.ReceiveTextAsync(), Is.EqualTo("""{"message":"probe"}"""), "the denied message never reached the group");
    }

    [Test]
    public async Task JsonElementHandler_TakesAnyObject_AndReturnsValueTask()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/element"));
        Assert.That(await a.SendAndReceiveTextAsync("""{"anything": [1, 2]}"""), Is.EqualTo("""{"message":"{\"anything\": [1, 2]}"}"""));
        Assert.That(await a.SendAndReceiveTextAsync("[]"), Is.EqualTo("""{"error":"Expected a JSON object."}"""));
    }

    [Test]
    public async Task ConverterThatReadsNull_GetsAnErrorFrame_AndTheHandlerDoesNotRun()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/note"));
        Assert.That(await a.SendAndReceiveTextAsync("""{"other": 1}"""), Is.EqualTo("""{"error":"The message does not have the expected shape."}"""));
        Assert.That(await a.SendAndReceiveTextAsync("""{"text": "kept"}"""), Is.EqualTo("""{"text":"kept"}"""));
    }

    [Test]
    public async Task MultiplexedPlainConsumer_GetsItsPayload_AndAnswersInItsStream()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/multi/streamed"));
        Assert.That(
            await a.SendAndReceiveTextAsync("""{"stream": "chat", "payload": {"message": "echo:inside"}}"""),
            Is.EqualTo("""{"stream":"chat","payload":{"message":"inside"}}"""));
        Assert.That(
            await a.SendAndReceiveTextAsync("""{"stream": "chat", "payload": {"message": 1}}"""),
            Is.EqualTo("""{"stream":"chat","payload":{"error":"The message does not have the expected shape at $.message."}}"""));

        // The DCRF stream on the same socket keeps its envelopes.
        var reply = await a.RequestAsync("""{"stream": "rooms", "payload": {"action": "channel"}}""");
        Assert.That(reply["payload"]!["response_status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    private static async Task AssertEchoesAsync(TestClient client)
        => Assert.That(await client.SendAndReceiveTextAsync("""{"message": "echo:still open"}"""), Is.EqualTo("""{"message":"still open"}"""));
}

/// <summary>The connection's limits on a plain consumer: their answers are <c>{"error"}</c> frames too.</summary>
[TestFixture]
public sealed class PlainConsumerLimitTests
{
    [Test]
    public async Task RateLimit_ThrottledMessage_GetsAnErrorFrame_AndIsNotHandled()
    {
        await using var host = await TestHost.StartAsync(app => app.MapConsumer<PlainChatConsumer>("/ws/plain/{room}"), o =>
        {
            o.RateLimitPerSecond = 0.01;
            o.RateLimitBurst = 1;
            o.RateLimitAbuseThreshold = 100;
        });
        await using var a = await TestClient.ConnectAsync(host.WebSocketUri("/ws/plain/limited"));
        Assert.That(await a.SendAndReceiveTextAsync("""{"message": "echo:first"}"""), Is.EqualTo("""{"message":"first"}"""));
        Assert.That(await a.SendAndReceiveTextAsync("""{"message": "echo:second"}"""), Is.EqualTo($$"""{"error":"{{ProtocolErrors.Throttled}}"}"""));
    }

    [Test]
    public async Task MessageOverMaxMessageSize_GetsAnErrorFrame_ThenClose1009()
    {
        await using var host = await TestHost.StartAsync(app => app.MapConsumer<PlainChatConsumer>("/ws/plain/{room}"), o =>
        {
            o.RateLimitPerSecond = 0;
            o.MaxMessageSize = 1024;
        });
        await using var a = await TestClient.ConnectAsync(host.WebSocketUri("/ws/plain/big"));
        await a.SendAsync($$"""{"message": "{{new string('x', 2048)}}"}""");
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo($$"""{"error":"{{ProtocolErrors.MessageTooBig(1024)}}"}"""));
        Assert.That(await a.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }
}
