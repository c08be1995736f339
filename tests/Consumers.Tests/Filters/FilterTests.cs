using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Filters;

/// <summary>
/// Filters around actions, streams, concurrent actions and [Receive] handlers, and permissions that see the arguments,
/// over real sockets: order global → consumer → action, short-circuits keep the request_id, exceptions mapped to statuses.
/// </summary>
[TestFixture]
public sealed class FilterTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<FilteredConsumer>("/ws/filtered");
            app.MapConsumer<UnfilteredConsumer>("/ws/unfiltered");
            app.MapConsumer<FilteredPlainConsumer>("/ws/plain");
        },
        o =>
        {
            o.RateLimitPerSecond = 0;
            o.AddFilter<GlobalOrderFilter>();
        },
        services =>
        {
            services.AddTestJwtBearer();
            services.AddSingleton<FilterLog>().AddScoped<ConsumerOrderFilter>();
        });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public void ClearLog() => Log.Entries.Clear();

    private FilterLog Log => _host.Services.GetRequiredService<FilterLog>();

    private Task<TestClient> ConnectAsync(string path = "/ws/filtered", string? user = null)
        => TestClient.ConnectAsync(_host.WebSocketUri(user is null ? path : $"{path}?access_token={TestJwt.Issue(user)}"));

    [Test]
    public async Task Filters_RunGlobalThenConsumerThenAction_AroundTheAction_AndSeeItsArguments()
    {
        await using var client = await ConnectAsync();
        var reply = await client.RequestAsync("""{"action": "add", "a": 20, "b": 22, "request_id": 7}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.ToJsonString(), Is.EqualTo("""{"errors":[],"data":42,"action":"add","response_status":200,"request_id":7}"""));
            Assert.That(Log.Entries, Is.EqualTo(new[]
            {
                "global>add", "consumer>add", "action>add(a=20,b=22) id=7", "action<200", "consumer<200", "global<200",
            }));
        });
    }

    [Test]
    public async Task GlobalFilter_RunsForAConsumerWithoutFiltersOfItsOwn()
    {
        await using var client = await ConnectAsync("/ws/unfiltered");
        var reply = await client.RequestAsync("""{"action": "add", "a": 1, "b": 2, "request_id": "u"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.ToJsonString(), Is.EqualTo("""{"errors":[],"data":3,"action":"add","response_status":200,"request_id":"u"}"""));
            Assert.That(Log.Entries, Is.EqualTo(new[] { "global>add", "global<200" }));
        });
    }

    [Test]
    public async Task ShortCircuit_AnswersWithTheFiltersResult_KeepsTheRequestId_AndSkipsTheAction()
    {
        await using var client = await ConnectAsync();
        var refused = await client.RequestAsync("""{"action": "spend", "amount": 500, "request_id": "r1"}""");
        var allowed = await client.RequestAsync("""{"action": "spend", "amount": 5, "note": "tea", "request_id": "r2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused.ToJsonString(), Is.EqualTo("""{"errors":["At most 100 at a time."],"data":null,"action":"spend","response_status":429,"request_id":"r1"}"""));
            Assert.That(allowed.ToJsonString(), Is.EqualTo("""{"errors":[],"data":"spent 5 on tea","action":"spend","response_status":201,"request_id":"r2"}"""));
            Assert.That(Log.Entries, Has.Member("global<429"));
        });
    }

    [Test]
    public async Task Exception_MappedByAFilter_IsAnsweredWithItsStatus_AndTheConnectionStaysOpen()
    {
        await using var client = await ConnectAsync();
        var conflict = await client.RequestAsync("""{"action": "save", "conflict": true, "request_id": 1}""");
        var saved = await client.RequestAsync("""{"action": "save", "conflict": false, "request_id": 2}""");
        Assert.Multiple(() =>
        {
            Assert.That(conflict.ToJsonString(), Is.EqualTo("""{"errors":["The row was changed by someone else."],"data":null,"action":"save","response_status":409,"request_id":1}"""));
            Assert.That(saved["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        });
    }

    [Test]
    public async Task Exception_NoFilterMaps_Is500WithoutDetails_AndTheFiltersSeeItPass()
    {
        await using var client = await ConnectAsync();
        var reply = await client.RequestAsync("""{"action": "fail", "request_id": 3}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.ToJsonString(), Is.EqualTo("""{"errors":["Internal server error"],"data":null,"action":"fail","response_status":500,"request_id":3}"""));
            Assert.That(Log.Entries, Is.EqualTo(new[] { "global>fail", "consumer>fail" }));
        });
    }

    [TestCase("red", 200)]
    [TestCase("blue", 403)]
    public async Task Permission_DeniesOnAnArgumentsValue(string room, int status)
    {
        await using var client = await ConnectAsync(user: "amy;room=red");
        var reply = await client.RequestAsync($$"""{"action": "post", "room": "{{room}}", "text": "hi", "request_id": "p"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(status));
            Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
            Assert.That(reply["data"]?.GetValue<string>(), Is.EqualTo(status == 200 ? "red: hi" : null));
        });
    }

    [Test]
    public async Task Permission_OnAnArgument_AnonymousUser_Gets401_AndTheFiltersDoNotRun()
    {
        await using var client = await ConnectAsync();
        var reply = await client.RequestAsync("""{"action": "post", "room": "red", "text": "hi"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(401));
            Assert.That(Log.Entries, Is.Empty);
        });
    }

    [Test]
    public async Task ConcurrentAction_RunsInsideItsFilters()
    {
        await using var client = await ConnectAsync();
        var reply = await client.RequestAsync("""{"action": "slow", "value": 10, "request_id": "c"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.ToJsonString(), Is.EqualTo("""{"errors":[],"data":20,"action":"slow","response_status":200,"request_id":"c"}"""));
            Assert.That(Log.Entries, Is.EqualTo(new[] { "global>slow", "consumer>slow", "action>slow(value=10) id=c", "action<200", "consumer<200", "global<200" }));
        });
    }

    [Test]
    public async Task Stream_RunsInsideItsFilters_ItsItemsFlow_AndAnExceptionMidStreamIsMappedOnItsEnd()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync("""{"action": "count", "to": 3, "request_id": "s"}""");
        var frames = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            frames.Add((await client.ReceiveAsync()).ToJsonString());
        }

        Assert.Multiple(() =>
        {
            Assert.That(frames, Is.EqualTo(new[]
            {
                """{"errors":[],"data":1,"action":"count","response_status":200,"request_id":"s"}""",
                """{"errors":[],"data":2,"action":"count","response_status":200,"request_id":"s"}""",
                """{"errors":[],"data":3,"action":"count","response_status":200,"request_id":"s"}""",
                """{"errors":["The source of the stream changed."],"data":null,"action":"count","response_status":409,"request_id":"s"}""",
            }));
            Assert.That(Log.Entries, Is.EqualTo(new[] { "global>count", "consumer>count", "action>count(to=3) id=s", "action<409", "consumer<409", "global<409" }));
        });
    }

    [Test]
    public async Task ConnectAndDisconnect_RunInsideTheConsumersFilters_WhichMayRefuseTheHandshake()
    {
        var refused = Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => ConnectAsync("/ws/filtered?refuse=1"));
        Assert.That(refused!.Message, Does.Contain("403"));
        Assert.That(Log.Entries, Is.EqualTo(new[] { "consumer refused the connection" }));
        Log.Entries.Clear();

        var client = await ConnectAsync("/ws/filtered?lifetime=1");
        await client.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await client.DisposeAsync();
        await Eventually.WaitUntilAsync(() => Log.Entries.Count == 3);
        Assert.That(Log.Entries, Is.EqualTo(new[] { "OnConnectAsync", "consumer connected:True", "consumer disconnected:NormalClosure" }));
    }

    [Test]
    public async Task ReceiveHandler_RunsInsideItsFilters_WhichSeeTheMessage_AndMayRefuseIt()
    {
        await using var client = await ConnectAsync("/ws/plain");
        var refused = await client.SendAndReceiveTextAsync("""{"message": "forbidden"}""");
        var handled = await client.SendAndReceiveTextAsync("""{"message": "hello"}""");
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo("""{"error":"Not in this room."}"""));
            Assert.That(handled, Is.EqualTo("""{"message":"got hello"}"""));
            Assert.That(Log.Entries, Is.EqualTo(new[] { "global>receive", "receive:message=forbidden", "global<403", "global>receive", "receive:message=hello", "global<200" }));
        });
    }
}
