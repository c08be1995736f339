using System.Text;
using System.Text.Json;
using Consumers.Dispatch;
using Consumers.Testing.Communication;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>
/// Server pushes (docs/protocol.md, "Server pushes"): a value of a [ConsumerEvent] type leaves as the DCRF envelope
/// with its event name as action and request_id null, serialized once at the sender; any other type keeps its bytes.
/// </summary>
[TestFixture]
public sealed class PushTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<PushConsumer>("/ws/push/{room}");
        app.MapConsumer<PushRelayConsumer>("/ws/relay/{room}");
        app.MapConsumers("/ws/multi/{room}", s => s.Add<PushConsumer>("push"));
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task GroupSendOfAnEventType_WritesTheEnvelope_ToEveryMember()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/red"));
        await using var b = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/red"));
        var reply = await a.RequestAsync("""{"action": "say", "text": "hi \u00e9", "request_id": 1}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));

        var atA = await a.ReceiveTextAsync();
        var atB = await b.ReceiveTextAsync();
        Assert.That(atB, Does.StartWith("""{"errors":[],"data":{"user":"""));
        Assert.That(atB, Does.EndWith(""","text":"hi \u00E9"},"action":"line_said","response_status":200,"request_id":null}"""));
        Assert.That(atA, Is.EqualTo(atB), "one payload for the whole group");
    }

    [Test]
    public async Task GroupSendOfAPlainType_KeepsItsBytes()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/plain"));
        await using var b = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/plain"));
        await a.RequestAsync("""{"action": "note", "text": "doors close at ten"}""");

        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("""{"text":"doors close at ten"}"""));
    }

    [Test]
    public async Task EventNamedByItsType_UsesTheSnakeCaseOfTheTypeName()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/closing"));
        await a.RequestAsync("""{"action": "close_room", "room": 7}""");

        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("""{"errors":[],"data":{"room":7},"action":"room_closed","response_status":200,"request_id":null}"""));
    }

    [Test]
    public async Task SendToTheConsumersOwnClient_WritesTheEnvelopeAfterTheReply()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/self"));
        await a.SendAsync("""{"action": "echo", "text": "x", "request_id": "e"}""");

        // The push is sent while the action runs; the reply goes first (docs/protocol.md, "Order").
        var first = await a.ReceiveTextAsync();
        var second = await a.ReceiveTextAsync();
        Assert.That(new[] { first, second }, Does.Contain("""{"errors":[],"data":{"user":"me","text":"x"},"action":"line_said","response_status":200,"request_id":null}"""));
        Assert.That(new[] { first, second }, Does.Contain("""{"errors":[],"data":true,"action":"echo","response_status":200,"request_id":"e"}"""));
    }

    [Test]
    public async Task OnAMultiplexedEndpoint_TheEnvelopeIsTheStreamsPayload()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/multi/streams"));
        await a.SendAsync("""{"stream": "push", "payload": {"action": "close_room", "room": 5}}""");

        Assert.That(await a.ReceiveTextAsync(), Does.Contain("\"action\":\"close_room\""), "the reply goes first");
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("""{"stream":"push","payload":{"errors":[],"data":{"room":5},"action":"room_closed","response_status":200,"request_id":null}}"""));
    }

    [Test]
    public async Task GroupSenderFromOutsideAConsumer_WritesTheEnvelopeToo()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/outside"));
        await a.RequestAsync("""{"action": "note", "text": "joined"}""");
        await a.ReceiveTextAsync();
        var sender = _host.Services.GetRequiredService<IGroupSender>();

        await sender.SendAsync("push:outside", new LineSaid("server", "from a service"), PushJson.Default.LineSaid);
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("""{"errors":[],"data":{"user":"server","text":"from a service"},"action":"line_said","response_status":200,"request_id":null}"""));
    }

    [Test]
    public async Task GroupEventHandlerOfAnEventType_ReadsTheEnvelopesData()
    {
        await using var relay = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/relay/green"));
        await relay.RequestAsync("""{"action": "channel"}""");
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/push/green"));
        await a.RequestAsync("""{"action": "say", "text": "hello"}""");

        var relayed = await relay.ReceiveTextAsync();
        Assert.That(relayed, Does.StartWith("""{"text":"relayed hello from """));
    }

    [Test]
    public async Task TestKit_ReceiveEventAsync_ReadsThePushByName_AndLeavesOtherFramesUnread()
    {
        await using var a = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/push/kit"));
        await a.SendAsync("""{"action": "note", "text": "first"}""");
        await a.SendAsync("""{"action": "say", "text": "typed"}""");

        var line = await a.ReceiveEventAsync("line_said", PushJson.Default.LineSaid);
        Assert.That(line!.Text, Is.EqualTo("typed"));
        Assert.That((await a.ReceiveAsync(e => e.Json.TryGetProperty("text", out _), "the note")).RawJson, Is.EqualTo("""{"text":"first"}"""), "the plain note stays unread");

        Assert.That(async () => await a.ReceiveEventAsync("room_closed", PushJson.Default.RoomClosed, TimeSpan.FromMilliseconds(200)),
            Throws.TypeOf<TimeoutException>().With.Message.Contains("push of the event \"room_closed\""));
        Assert.That(async () => await a.ReceiveEventAsync("", PushJson.Default.RoomClosed), Throws.ArgumentException);
    }

    [Test]
    public void Serialize_WritesTheEnvelopeOnce_AndDataOfReadsItBack()
    {
        var typeInfo = WireJson.Of(PushJson.Default.LineSaid);
        var payload = ConsumerEvents.Serialize(new LineSaid("a", "b"), typeInfo);
        Assert.That(Encoding.UTF8.GetString(payload), Is.EqualTo("""{"errors":[],"data":{"user":"a","text":"b"},"action":"line_said","response_status":200,"request_id":null}"""));

        var data = ConsumerEvents.DataOf(payload);
        Assert.That(JsonSerializer.Deserialize(data.Span, typeInfo), Is.EqualTo(new LineSaid("a", "b")));
        Assert.That(ConsumerEvents.NameOf(typeof(LineSaid)), Is.EqualTo("line_said"));
        Assert.That(ConsumerEvents.NameOf(typeof(PushNote)), Is.Null);

        var plain = ConsumerEvents.Serialize(new PushNote("c"), WireJson.Of(PushJson.Default.PushNote));
        Assert.That(Encoding.UTF8.GetString(plain), Is.EqualTo("""{"text":"c"}"""));
        Assert.That(ConsumerEvents.DataOf(plain).ToArray(), Is.EqualTo(plain), "a payload that is no envelope is its own data");
    }

    [Test]
    public void Register_RefusesABadName_AndASecondNameForOneType()
    {
        Assert.That(() => ConsumerEvents.Register(typeof(PushTests), "$x"), Throws.ArgumentException.With.Message.Contains("starts with '$'"));
        Assert.That(() => ConsumerEvents.Register(typeof(PushTests), ""), Throws.ArgumentException);
        Assert.That(() => ConsumerEvents.Register(typeof(PushTests), "a b"), Throws.ArgumentException);
        Assert.That(() => ConsumerEvents.Register(typeof(LineSaid), "other"), Throws.InvalidOperationException.With.Message.Contains("line_said"));
        Assert.That(() => ConsumerEvents.Register(typeof(LineSaid), "line_said"), Throws.Nothing, "the same registration again is harmless");
        Assert.That(ConsumerEvents.NameOf(typeof(PushTests)), Is.Null);
    }
}
