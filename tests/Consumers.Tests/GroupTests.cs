using System.Net;
using System.Net.WebSockets;
using Consumers.Groups;
using Consumers.Testing.Communication;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>Groups on the in-memory layer: declared and joined groups, group and channel sends, excludeSelf.</summary>
[TestFixture]
public sealed class GroupTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
        app.MapConsumers("/ws/{room}", s => s.Add<RoomConsumer>("rooms"));
        app.MapConsumer<MisconfiguredConsumer>("/ws/misconfigured");
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task GroupSend_ReachesEveryMemberOfTheRoom_AndNoOneElse()
    {
        await using var a = await ConnectAsync("red");
        await using var b = await ConnectAsync("red");
        await using var other = await ConnectAsync("blue");
        await a.SendAsync("""{"action": "say", "text": "hi"}""");

        var atA = await a.ReceiveAsync(frame => frame.ResponseStatus is null, "group message");
        var atB = await b.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(atA.Json.GetProperty("text").GetString(), Is.EqualTo("hi"));
            Assert.That(atB.Json.GetProperty("text").GetString(), Is.EqualTo("hi"));
        });
        await AssertNothingArrivesAsync(other);
    }

    [Test]
    public async Task ExcludeSelf_LeavesTheSenderOut()
    {
        await using var a = await ConnectAsync("green");
        await using var b = await ConnectAsync("green");
        var reply = await a.RequestAsync("""{"action": "say", "text": "not me", "exclude_self": true}""");
        Assert.That(reply.ResponseStatus, Is.EqualTo(200), "the reply, not the group message, reaches the sender");
        Assert.That((await b.ReceiveAsync()).Json.GetProperty("text").GetString(), Is.EqualTo("not me"));
        await AssertNothingArrivesAsync(a);
    }

    [Test]
    public async Task DeclaredGroups_AreJoinedOnConnect_FromRouteValues()
    {
        await using var a = await ConnectAsync("teal");
        var reply = await a.RequestAsync("""{"action": "groups"}""");
        Assert.That(reply.Data.GetString(), Is.EqualTo("lobby,room:teal"));
    }

    [Test]
    public async Task JoinAndLeave_ChangeWhatAClientReceives()
    {
        await using var a = await ConnectAsync("x1");
        await using var b = await ConnectAsync("x2");
        await a.RequestAsync("""{"action": "join", "group": "side.chat"}""");
        await b.RequestAsync("""{"action": "tell", "group": "side.chat", "text": "one"}""");
        Assert.That((await a.ReceiveAsync()).Json.GetProperty("text").GetString(), Is.EqualTo("one"));

        await a.RequestAsync("""{"action": "leave", "group": "side.chat"}""");
        await b.RequestAsync("""{"action": "tell", "group": "side.chat", "text": "two"}""");
        await AssertNothingArrivesAsync(a);
    }

    [Test]
    public async Task SendToChannel_ReachesOnlyThatConsumer()
    {
        await using var a = await ConnectAsync("y");
        await using var b = await ConnectAsync("y");
        var channel = (await b.RequestAsync("""{"action": "channel"}""")).Data.GetString();
        await a.RequestAsync($$"""{"action": "whisper", "channel": "{{channel}}", "text": "psst"}""");
        var whisper = await b.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(whisper.Json.GetProperty("type").GetString(), Is.EqualTo("whisper"));
            Assert.That(whisper.Json.GetProperty("text").GetString(), Is.EqualTo("psst"));
        });
        await AssertNothingArrivesAsync(a);
    }

    [Test]
    public async Task GroupSender_FromOutsideAConsumer_ReachesMembers()
    {
        await using var a = await ConnectAsync("z");
        var sender = _host.Services.GetRequiredService<IGroupSender>();
        await sender.SendAsync("room:z", new ChatLine("system", "server", "maintenance"), RoomJsonContext.Default.ChatLine);
        Assert.That((await a.ReceiveAsync()).RawJson, Is.EqualTo("""{"type":"system","from":"server","text":"maintenance"}"""));
    }

    [Test]
    public async Task MultiplexedMember_GetsGroupMessagesInItsStream()
    {
        await using var plain = await ConnectAsync("m");
        await using var mux = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/other"));
        var join = await mux.RequestAsync("""{"stream": "rooms", "payload": {"action": "join", "group": "room:m"}}""");
        Assert.That(join.ResponseStatus, Is.EqualTo(200));
        await plain.SendAsync("""{"action": "say", "text": "both"}""");
        Assert.That((await mux.ReceiveAsync()).RawJson, Does.StartWith("""{"stream":"rooms","payload":{"type":"chat","""));
    }

    [Test]
    public async Task Disconnect_LeavesEveryGroup()
    {
        var local = _host.Services.GetRequiredService<LocalGroups>();
        var a = await ConnectAsync("leaving");
        await a.RequestAsync("""{"action": "join", "group": "only.me"}""");
        Assert.That(local.HasMembers("only.me"), Is.True);
        await a.DisposeAsync();
        await Eventually.WaitUntilAsync(() => !local.HasMembers("only.me") && !local.HasMembers("room:leaving"));
    }

    [Test]
    public async Task RouteValueThatMakesAnInvalidGroup_GetsHandshake400_WithTheReason()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.BaseUri, "/ws/rooms/bad%20room"));
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("room:bad room").And.Contain("not a valid group name"));
        await using var good = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/good-room"));
        Assert.That(good.Socket.State, Is.EqualTo(WebSocketState.Open), "101: accepted");
    }

    [Test]
    public async Task InvalidGroupName_IsAnError_AndTheConnectionStays()
    {
        await using var a = await ConnectAsync("v");
        var reply = await a.RequestAsync("""{"action": "join", "group": "no spaces"}""");
        Assert.That(reply.ResponseStatus, Is.EqualTo(500));
        Assert.That((await a.RequestAsync("""{"action": "channel"}""")).ResponseStatus, Is.EqualTo(200));
    }

    [Test]
    public void GroupSender_RejectsInvalidNames_WithAClearMessage()
    {
        var sender = _host.Services.GetRequiredService<IGroupSender>();
        Assert.That(
            async () => await sender.SendAsync("bad/name", new ChatLine("a", "b", "c"), RoomJsonContext.Default.ChatLine),
            Throws.ArgumentException.With.Message.Contains("'/' at position 3"));
    }

    [Test]
    public async Task DeclaredGroupWithAMissingRouteValue_FailsTheHandshake()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(_host.WebSocketUri("/ws/misconfigured"), CancellationToken.None));
        Assert.That(socket.HttpStatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.Exception?.Message.Contains("needs the route value \"missing\"") == true), Is.True);
    }

    [TestCase("lobby", true)]
    [TestCase("room:42", true)]
    [TestCase("chat.lobby_2-b", true)]
    [TestCase("", false)]
    [TestCase("with space", false)]
    [TestCase("wild*", false)]
    [TestCase("wild>", false)]
    [TestCase("ünïcode", false)]
    public void GroupNames_FollowChannelsRules(string name, bool valid)
        => Assert.That(GroupName.IsValid(name), Is.EqualTo(valid));

    [Test]
    public void GroupName_LongerThan100_IsInvalid()
    {
        Assert.That(GroupName.IsValid(new string('a', 100)), Is.True);
        Assert.That(() => GroupName.Validate(new string('a', 101)), Throws.ArgumentException.With.Message.Contains("limit is 100"));
    }

    [TestCase("plain-value_1", "plain-value_1")]
    [TestCase("bad room", "bad.20room")]
    [TestCase("a:b", "a.3Ab")]
    [TestCase("a.b", "a.2Eb")]
    [TestCase("ü", ".C3.BC")]
    [TestCase("", "")]
    public void EncodeValue_KeepsPlainCharacters_AndEscapesEveryOtherByte(string value, string expected)
        => Assert.That(GroupName.EncodeValue(value), Is.EqualTo(expected));

    [Test]
    public void EncodeValue_IsValidAndDistinct_ForRandomValues()
    {
        var random = new Random(20261130);
        var seen = new Dictionary<string, string>();
        for (var i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(0, 12)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(4) switch
                {
                    0 => (char)random.Next('a', 'z' + 1),
                    1 => "-_.:% /\\"[random.Next(8)],
                    2 => (char)random.Next(0x80, 0x800),
                    _ => (char)random.Next(0x20, 0x7F),
                };
            }

            var value = new string(chars);
            var encoded = GroupName.EncodeValue(value);
            Assert.That(GroupName.IsValid("g:" + encoded), Is.True, value);
            Assert.That(encoded, Does.Not.Contain(":"));
            if (seen.TryGetValue(encoded, out var other))
            {
                Assert.That(other, Is.EqualTo(value), "two values, one encoding");
            }

            seen[encoded] = value;
        }
    }

    [Test]
    public void Fit_KeepsShortNames_AndMakesLongOnesValidAndDistinct()
    {
        Assert.That(GroupName.Fit("room:1"), Is.EqualTo("room:1"));
        var a = GroupName.Fit("obs:" + new string('a', 200));
        var b = GroupName.Fit("obs:" + new string('a', 199) + "b");
        Assert.That(GroupName.IsValid(a) && GroupName.IsValid(b), Is.True);
        Assert.That(a, Has.Length.EqualTo(GroupName.MaxLength));
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void GroupMessage_MustBeAJsonObject()
        => Assert.That(() => GroupMessage.EnsureJsonObject("[1]"u8), Throws.ArgumentException.With.Message.Contains("one JSON object"));

    [TestCase("room:{room")]
    [TestCase("room:{}")]
    [TestCase("room }")]
    [TestCase("bad name {room}")]
    public void MalformedGroupTemplate_IsRejectedAtMapping(string template)
        => Assert.That(() => GroupTemplate.Check(template, "X"), Throws.ArgumentException);

    [TestCase("room:{room", "has a '{' that is not closed")]
    [TestCase("room}{room}", "has unbalanced braces")]
    [TestCase("room }", "has a '}' without '{'")]
    [TestCase("a b{}", "has an empty or nested placeholder")]
    [TestCase("x{a{b}", "has an empty or nested placeholder")]
    [TestCase("bad name {room}", "cannot make a valid group name")]
    public void MalformedGroupTemplate_NamesTheProblem(string template, string problem)
        => Assert.That(() => GroupTemplate.Check(template, "X"), Throws.ArgumentException.With.Message.Contains(problem));

    private Task<ConsumerCommunicator> ConnectAsync(string room) => ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/" + room));

    private static async Task AssertNothingArrivesAsync(ConsumerCommunicator client)
    {
        // A probe's reply is a barrier: a group message sent before it would have arrived before it.
        await client.RequestAsync("""{"action": "channel", "request_id": "probe"}""");
        await client.AssertNothingReceivedAsync(TimeSpan.Zero);
    }
}
