using System.Text.Json.Nodes;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>[GroupEvent] handlers on the in-memory layer: typed group events run a handler on each member.</summary>
[TestFixture]
public sealed class GroupEventTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<EventConsumer>("/ws/events/{room}");
        app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
        app.MapConsumer<TutorialEventConsumer>("/ws/tutorial/{room}");
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task GroupEvent_RunsTheHandlerOnEachMember_InsteadOfWritingThePayload()
    {
        await using var a = await ConnectAsync("red");
        await using var b = await ConnectAsync("red");
        var bChannel = (await b.RequestAsync("""{"action": "channel"}"""))["data"]!.GetValue<string>();
        await a.RequestAsync("""{"action": "say", "text": "hi"}""");

        var atB = await b.ReceiveAsync();
        Assert.That(atB.ToJsonString(), Does.StartWith("""{"type":"event","from":""").And.EndWith($$""","text":"HI for {{bChannel}}"}"""));
        var atA = await a.ReceiveAsync();
        Assert.That(atA["text"]!.GetValue<string>(), Does.StartWith("HI for ").And.Not.EndWith(bChannel), "the sender's own handler ran for the sender");
    }

    [Test]
    public async Task Handler_MayDropAnEvent()
    {
        await using var a = await ConnectAsync("green");
        await using var b = await ConnectAsync("green");
        await a.RequestAsync("""{"action": "say", "text": "quiet please"}""");
        await a.RequestAsync("""{"action": "say", "text": "loud"}""");
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Does.StartWith("LOUD"), "the dropped event wrote nothing");
    }

    [Test]
    public async Task EventTypeWithoutAHandler_IsWrittenAsItIs()
    {
        await using var a = await ConnectAsync("blue");
        await using var b = await ConnectAsync("blue");
        await a.RequestAsync("""{"action": "announce", "text": "doors close at ten"}""");
        Assert.That((await b.ReceiveAsync()).ToJsonString(), Is.EqualTo("""{"text":"doors close at ten"}"""));
    }

    [Test]
    public async Task MemberWithoutAHandler_GetsThePayload_WhileOthersRunTheirHandler()
    {
        await using var a = await ConnectAsync("mixed");
        await using var plain = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/rooms/elsewhere"));
        await plain.RequestAsync("""{"action": "join", "group": "events:mixed"}""");
        await a.RequestAsync("""{"action": "say", "text": "to all"}""");

        var atPlain = await plain.ReceiveAsync();
        Assert.That(atPlain["text"]!.GetValue<string>(), Is.EqualTo("to all"), "RoomConsumer has no handler: the event's JSON as it is");
        Assert.That(atPlain["type"], Is.Null);
        Assert.That((await a.ReceiveAsync())["type"]!.GetValue<string>(), Is.EqualTo("event"));
    }

    [Test]
    public async Task Handler_RunsInOrderWithTheMembersOwnMessages()
    {
        await using var a = await ConnectAsync("ordered");

        // The event is queued on a's connection while its action runs; the handler takes 200 ms. The ping sent right
        // after the reply is handled after the handler, so its reply comes after the handler's frame.
        var reply = await a.RequestAsync("""{"action": "say", "text": "slow one", "request_id": "say"}""");
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("say"));
        await a.SendAsync("""{"action": "channel", "request_id": "ping"}""");

        var first = await a.ReceiveAsync();
        var second = await a.ReceiveAsync();
        Assert.That(first["text"]?.GetValue<string>(), Does.StartWith("SLOW ONE"));
        Assert.That(second["request_id"]!.GetValue<string>(), Is.EqualTo("ping"));
    }

    [Test]
    public async Task FailingHandler_IsLogged_AndTheConnectionGoesOn()
    {
        await using var a = await ConnectAsync("failing");
        await using var b = await ConnectAsync("failing");
        await a.RequestAsync("""{"action": "explode"}""");
        await a.RequestAsync("""{"action": "say", "text": "still here"}""");

        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Does.StartWith("STILL HERE"));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.Exception?.Message == "handler failure: boom"), Is.True, "the failure is logged");
    }

    [Test]
    public async Task GroupSenderAndChannelSends_ReachTheHandlerToo()
    {
        await using var b = await ConnectAsync("outside");
        var bChannel = (await b.RequestAsync("""{"action": "channel"}"""))["data"]!.GetValue<string>();
        var sender = _host.Services.GetRequiredService<IGroupSender>();

        await sender.SendAsync("events:outside", new ChatEvent("server", "from a service"), EventJsonContext.Default.ChatEvent);
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("FROM A SERVICE for " + bChannel));

        await sender.SendToChannelAsync(bChannel, new ChatEvent("server", "direct"), EventJsonContext.Default.ChatEvent);
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("DIRECT for " + bChannel));
    }

    [Test]
    public async Task EventSentWithMetadataOfAnotherNamingPolicy_ReachesTheHandler_InWireNames()
    {
        // PascalEventJson has no naming policy ("From", "Text"); the handler reads the wire's snake_case names.
        await using var b = await ConnectAsync("pascal");
        var bChannel = (await b.RequestAsync("""{"action": "channel"}"""))["data"]!.GetValue<string>();
        var sender = _host.Services.GetRequiredService<IGroupSender>();

        await sender.SendAsync("events:pascal", new ChatEvent("server", "any context"), PascalEventJson.Default.ChatEvent);
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("ANY CONTEXT for " + bChannel));
    }

    [Test]
    public async Task PlainConsumer_AsInTheChannelsTutorial_HandlesItsGroupEventPerMember()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/tutorial/lobby"));
        await using var b = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/tutorial/lobby"));
        await a.SendAsync("""{"message": "hello"}""");

        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("""{"message":"me: hello"}"""), "the sender's handler marks its own message");
        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("""{"message":"hello"}"""), "the other member's handler writes it plainly");
    }

    [Test]
    public async Task TypedSends_NameTheirType_ExceptGenericTypes_WhichNoHandlerTakes()
    {
        var layer = _host.Services.GetRequiredService<Groups.IGroupLayer>();
        var member = new CapturingMember();
        await layer.AddAsync("events:captured", member);
        try
        {
            var sender = _host.Services.GetRequiredService<IGroupSender>();
            await sender.SendAsync("events:captured", new ChatEvent("server", "typed"), EventJsonContext.Default.ChatEvent);
            await sender.SendAsync("events:captured", new Dictionary<string, string> { ["text"] = "generic" }, EventJsonContext.Default.DictionaryStringString);

            Assert.That(member.Received.Select(m => m.GetHeader(Groups.GroupMessage.EventTypeHeader)),
                Is.EqualTo(new[] { "Consumers.Tests.Consumers.ChatEvent", null }));
        }
        finally
        {
            await layer.DiscardAsync("events:captured", member);
        }
    }

    private sealed class CapturingMember : Groups.IGroupMember
    {
        public List<Groups.GroupMessage> Received { get; } = [];

        public string ChannelName => "capturing";

        public bool Deliver(Groups.GroupMessage message)
        {
            Received.Add(message);
            return true;
        }
    }

    private Task<TestClient> ConnectAsync(string room) => TestClient.ConnectAsync(_host.WebSocketUri($"/ws/events/{room}"));
}
