using System.Net.WebSockets;
using System.Text.Json;
using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>ConsumerCommunicator over a TestServer: send, receive, notifications, time limits, closing.</summary>
[TestFixture]
public sealed class CommunicatorTests : KitFixture
{
    [Test]
    public async Task ReceiveAsync_ReadsTheEnvelope_ThroughTypedAccessors()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "add", "a": 2, "b": 3, "request_id": "r1"}""");

        var reply = await c.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reply.ResponseStatus, Is.EqualTo(200));
            Assert.That(reply.IsSuccess, Is.True);
            Assert.That(reply.Action, Is.EqualTo("add"));
            Assert.That(reply.RequestId.GetString(), Is.EqualTo("r1"));
            Assert.That(reply.HasRequestId("r1"), Is.True);
            Assert.That(reply.Data.GetInt32(), Is.EqualTo(5));
            Assert.That(reply.Errors.GetArrayLength(), Is.Zero);
            Assert.That(reply.ErrorMessages, Is.Empty);
            Assert.That(reply.Stream, Is.Null);
            Assert.That(reply.RawJson, Is.EqualTo("""{"errors":[],"data":5,"action":"add","response_status":200,"request_id":"r1"}"""));
        });
    }

    [Test]
    public async Task ErrorEnvelope_ExposesStatusAndMessages_AndDataNull()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        var reply = await c.RequestAsync("""{"action": "nope", "request_id": 7}""");

        Assert.Multiple(() =>
        {
            Assert.That(reply.ResponseStatus, Is.EqualTo(405));
            Assert.That(reply.IsSuccess, Is.False);
            Assert.That(reply.HasRequestId(7), Is.True);
            Assert.That(reply.HasRequestId("7"), Is.False, "a number does not match a string");
            Assert.That(reply.Data.ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(reply.ErrorMessages, Is.EqualTo(new[] { "Method \"nope\" not allowed." }));
        });
    }

    [Test]
    public async Task ValidationErrors_ReadAsFieldAndMessage()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        var reply = await c.RequestAsync("""{"action": "add", "a": "x", "b": 1, "request_id": 1}""");

        Assert.That(reply.ResponseStatus, Is.EqualTo(400));
        Assert.That(reply.ErrorMessages, Has.Some.StartsWith("a: "), reply.RawJson);
    }

    [Test]
    public async Task SendAsync_OfAnAnonymousObject_WritesItsMembersAsDeclared()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        await c.SendAsync(new { action = "add", a = 4, b = 5, request_id = 2 });

        Assert.That((await c.ReceiveAsync()).Data.GetInt32(), Is.EqualTo(9));
    }

    [Test]
    public async Task SendAsync_WithJsonTypeInfo_WritesWithTheSourceGeneratedMetadata()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        await c.SendAsync(new AddRequest("add", 10, 5, 3), KitJson.Default.AddRequest);

        var reply = await c.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reply.Data.GetInt32(), Is.EqualTo(15));
            Assert.That(reply.HasRequestId(3), Is.True);
        });
    }

    [Test]
    public async Task ReceiveAsyncOfT_DeserializesTheData_WithMetadataOrReflection()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        await c.SendAsync("""{"action": "total", "a": 1, "b": 2}""");
        var typed = await c.ReceiveAsync(KitJson.Default.Sum);
        await c.SendAsync("""{"action": "total", "a": 3, "b": 4}""");
        var reflected = await c.ReceiveAsync<Sum>();

        Assert.Multiple(() =>
        {
            Assert.That(typed, Is.EqualTo(new Sum(3)));
            Assert.That(reflected, Is.EqualTo(new Sum(7)));
        });
    }

    [Test]
    public async Task ReflectionReads_BindSnakeCaseKeys()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "count_to", "count": 1, "tag": "s", "request_id": 1}""");

        var frame = await c.ReceiveAsync();
        var whole = frame.Json.Deserialize<TickFrame>(ConsumerConnectOptions.DefaultJsonOptions);

        Assert.That(whole!.ResponseStatus, Is.EqualTo(200), "response_status binds to ResponseStatus");
        Assert.That(whole.RequestId, Is.EqualTo("s"));
    }

    [Test]
    public async Task ReceiveAsyncOfT_OnAnErrorFrame_FailsWithItsErrors()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "nope"}""");

        var error = Assert.ThrowsAsync<ConsumerAssertionException>(() => c.ReceiveAsync(KitJson.Default.Sum));

        Assert.That(error!.Message, Does.Contain("405").And.Contain("Method \"nope\" not allowed."));
    }

    [Test]
    public async Task RequestAsync_ReturnsTheReplyWithItsRequestId_AndLeavesEarlierFramesUnread()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        var reply = await c.RequestAsync("""{"action": "count_to", "count": 2, "tag": "t", "request_id": "call"}""");
        var first = await c.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(reply.HasRequestId("call"), Is.True);
            Assert.That(reply.Data.GetInt32(), Is.EqualTo(2));
            Assert.That(first.HasRequestId("t"), Is.True, "the pushed frames came first and stay readable");
        });
    }

    [TestCase("""{"action": "add", "a": 1, "b": 2}""", TestName = "RequestAsync_WithoutARequestId_ReturnsTheNextFrame")]
    [TestCase("""{"action": "add", "a": 1, "b": 2, "request_id": null}""", TestName = "RequestAsync_WithANullRequestId_ReturnsTheNextFrame")]
    [TestCase("""{"stream": "kit", "payload": {"action": "add", "a": 1, "b": 2}}""", TestName = "RequestAsync_MultiplexedWithoutARequestId_ReturnsTheNextFrame")]
    public async Task RequestAsync_WithoutARequestId_ReturnsTheNextFrame(string json)
    {
        await using var c = await Host.ConnectAsync(json.Contains("stream", StringComparison.Ordinal) ? "/ws" : "/ws/kit");

        var reply = await c.RequestAsync(json);

        Assert.That(reply.Data.GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public async Task RequestAsync_OfBrokenJson_ReturnsTheErrorReply()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        var reply = await c.RequestAsync("{not json");

        Assert.That(reply.ResponseStatus, Is.EqualTo(400));
    }

    [Test]
    public async Task ReceiveNotificationAsync_TakesTheFramesOfItsRequestId_InOrder_Typed()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "count_to", "count": 3, "tag": "ticks", "request_id": 1}""");

        var notifications = new List<ConsumerNotification<Tick>>();
        for (var i = 0; i < 3; i++)
        {
            notifications.Add(await c.ReceiveNotificationAsync("ticks", KitJson.Default.Tick));
        }

        var reflected = await c.RequestAsync("""{"action": "count_to", "count": 1, "tag": "again", "request_id": 2}""");
        var viaReflection = await c.ReceiveNotificationAsync<Tick>("again");
        Assert.Multiple(() =>
        {
            Assert.That(notifications.Select(n => n.Data!.N), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(notifications.Select(n => n.Action), Is.All.EqualTo("update"));
            Assert.That(notifications[0].Envelope.ResponseStatus, Is.EqualTo(200));
            Assert.That(reflected.HasRequestId(2), Is.True);
            Assert.That(viaReflection.Data, Is.EqualTo(new Tick(1)));
        });
    }

    [Test]
    public async Task ReceiveNotificationAsync_OfANumericRequestId_MatchesTheNumber()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "add", "a": 1, "b": 1, "request_id": 42}""");

        var reply = await c.ReceiveNotificationAsync(42, KitJson.Default.Int32);

        Assert.That(reply.Data, Is.EqualTo(2));
    }

    [Test]
    public async Task Receive_AfterTheTimeout_FailsListingTheFramesThatDidArrive()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.RequestAsync("""{"action": "add", "a": 20, "b": 22, "request_id": "earlier"}""");
        await c.SendAsync("""{"action": "count_to", "count": 1, "tag": "other", "request_id": "x"}""");
        await Task.Delay(100);

        var error = Assert.ThrowsAsync<TimeoutException>(() => c.ReceiveNotificationAsync("missing", KitJson.Default.Tick, TimeSpan.FromMilliseconds(200)));

        Assert.That(error!.Message, Does.StartWith("No frame with request_id \"missing\" arrived on /ws/kit within 0.2 s."));
        Assert.That(error.Message, Does.Contain("Unread frames that did not match (2):"));
        Assert.That(error.Message, Does.Contain("\"request_id\":\"other\"").And.Contain("\"request_id\":\"x\""));
        Assert.That(error.Message, Does.Contain("Frames received and read before (1):").And.Contain("\"data\":42"));
    }

    [Test]
    public async Task Receive_ByDefault_WaitsFiveSeconds_AndSaysNothingArrived()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<TimeoutException>(() => c.ReceiveAsync());

        Assert.Multiple(() =>
        {
            Assert.That(c.ReceiveTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4.9)));
            Assert.That(error!.Message, Is.EqualTo("No frame arrived on /ws/kit within 5 s. No frame at all arrived on this connection."));
        });
    }

    [Test]
    public async Task Receive_AfterATimeout_TheConnectionStillWorks()
    {
        await using var c = await Host.ConnectAsync("/ws/kit", o => o.ReceiveTimeout = TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAsync<TimeoutException>(() => c.ReceiveAsync());

        var reply = await c.RequestAsync("""{"action": "add", "a": 1, "b": 1, "request_id": 1}""");

        Assert.That(reply.Data.GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task AssertNothingReceived_PassesWhenQuiet()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.RequestAsync("""{"action": "add", "a": 1, "b": 1, "request_id": 1}""");

        await c.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));

        Assert.That(c.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AssertNothingReceived_FailsWithTheFrameThatArrived()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        await c.SendAsync("""{"action": "add", "a": 1, "b": 1, "request_id": "unexpected"}""");

        var error = Assert.ThrowsAsync<ConsumerAssertionException>(() => c.AssertNothingReceivedAsync(TimeSpan.FromSeconds(2)));

        Assert.That(error!.Message, Does.StartWith("Expected no frame on /ws/kit within 2 s, but 1 arrived:").And.Contain("\"request_id\":\"unexpected\""));
    }

    [Test]
    public async Task CloseAsync_SendsTheCode_TheServerSeesIt_AndItsCloseFrameIsObserved()
    {
        var disconnects = Host.Services.GetRequiredService<Disconnects>();
        var c = await Host.ConnectAsync("/ws/kit");
        await c.RequestAsync("""{"action": "tag", "tag": "closer", "request_id": 1}""");

        await c.CloseAsync((WebSocketCloseStatus)4001, "done");

        Assert.Multiple(async () =>
        {
            Assert.That(c.IsClosed, Is.True);
            Assert.That(await disconnects.OfAsync("closer"), Is.EqualTo((WebSocketCloseStatus)4001));
            Assert.That(c.CloseStatus, Is.Not.Null, "the server answered with a close frame");
        });
        await c.DisposeAsync();
    }

    [Test]
    public async Task ServerClose_IsObserved_WithItsCode_AndAReceiveFailsNamingIt()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");
        var tooBig = new string('x', KitHost.MaxMessageSize + 1);
        await c.SendAsync($$"""{"action": "add", "pad": "{{tooBig}}"}""");

        var reply = await c.ReceiveAsync();
        var code = await c.WaitForCloseAsync();
        var error = Assert.ThrowsAsync<ConsumerClosedException>(() => c.ReceiveAsync());

        Assert.Multiple(() =>
        {
            Assert.That(reply.ResponseStatus, Is.EqualTo(400));
            Assert.That(code, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
            Assert.That(c.CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
            Assert.That(error!.CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
            Assert.That(error.Message, Does.Contain("closed (1009 MessageTooBig").And.Contain("before a frame arrived"));
        });
    }

    [Test]
    public async Task WaitForClose_OnAnOpenConnection_TimesOut()
    {
        await using var c = await Host.ConnectAsync("/ws/kit");

        var error = Assert.ThrowsAsync<TimeoutException>(() => c.WaitForCloseAsync(TimeSpan.FromMilliseconds(100)));

        Assert.That(error!.Message, Does.StartWith("The server did not close /ws/kit within 0.1 s."));
    }

    [Test]
    public async Task Batch_OffersTheSubprotocol_AndUnpacksArraysIntoEnvelopes_InOrder()
    {
        await using var c = await Host.ConnectAsync("/ws/kit", o => o.Batch = true);

        await c.SendAsync("""{"action": "count_to", "count": 500, "tag": "b", "request_id": "batch"}""");
        var ticks = new List<int>();
        for (var i = 0; i < 500; i++)
        {
            ticks.Add((await c.ReceiveNotificationAsync("b", KitJson.Default.Tick)).Data!.N);
        }

        var reply = await c.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(c.SubProtocol, Is.EqualTo(ConsumerConnectOptions.BatchSubprotocol));
            Assert.That(ticks, Is.EqualTo(Enumerable.Range(1, 500)));
            Assert.That(reply.HasRequestId("batch"), Is.True);
            Assert.That(c.FrameCount, Is.LessThan(501), "some frames held several envelopes");
            Assert.That(c.Received.Select(e => e.Json.ValueKind), Is.All.EqualTo(JsonValueKind.Object));
        });
    }

    [Test]
    public async Task MultiplexedFrame_AccessorsReadThePayload_AndStreamIsSet()
    {
        await using var c = await Host.ConnectAsync("/ws");

        var reply = await c.RequestAsync("""{"stream": "kit", "payload": {"action": "add", "a": 1, "b": 2, "request_id": 5}}""");

        Assert.Multiple(() =>
        {
            Assert.That(reply.Stream, Is.EqualTo("kit"));
            Assert.That(reply.Data.GetInt32(), Is.EqualTo(3));
            Assert.That(reply.HasRequestId(5), Is.True);
            Assert.That(reply.Json.GetProperty("payload").ValueKind, Is.EqualTo(JsonValueKind.Object));
        });
    }
}
