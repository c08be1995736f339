using Consumers.Testing.Communication;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>Send to a user (SignalR's Clients.User): every connection of that authenticated user, nobody else.</summary>
[TestFixture]
public sealed class SendToUserTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
            app.MapConsumers("/ws/multi/{room}", s => s.Add<RoomConsumer>("rooms"));
        },
        services: services => services.AddTestJwtBearer());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task SendToUser_ReachesEveryConnectionOfTheUser_AndNoOneElse()
    {
        await using var annA = await ConnectAsync("/ws/rooms/a", "ann");
        await using var annB = await ConnectAsync("/ws/rooms/b", "ann");
        await using var annMux = await ConnectAsync("/ws/multi/c", "ann");
        await using var bob = await ConnectAsync("/ws/rooms/a", "bob");
        await using var anonymous = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/rooms/a"));

        var sender = _host.Services.GetRequiredService<IGroupSender>();
        await sender.SendToUserAsync("ann", new ChatLine("direct", "server", "for ann"), RoomJsonContext.Default.ChatLine);

        Assert.That((await annA.ReceiveAsync()).Json.GetProperty("text").GetString(), Is.EqualTo("for ann"));
        Assert.That((await annB.ReceiveAsync()).Json.GetProperty("text").GetString(), Is.EqualTo("for ann"));
        var wrapped = await annMux.ReceiveAsync();
        Assert.That(wrapped.Stream, Is.EqualTo("rooms"));
        Assert.That(wrapped.Payload.GetProperty("text").GetString(), Is.EqualTo("for ann"));

        // Bob and the anonymous client get nothing: the reply to their next request is the first frame they get.
        foreach (var other in new[] { bob, anonymous })
        {
            await AssertNothingBeforeTheNextReplyAsync(other);
        }
    }

    [Test]
    public async Task AConsumer_CannotJoinAUserGroup()
    {
        await using var bob = await ConnectAsync("/ws/rooms/a", "bob");
        var reply = await bob.RequestAsync($$"""{"action": "join", "group": "{{GroupName.ForUser("ann")}}"}""");
        Assert.That(reply.ResponseStatus, Is.EqualTo(500), "refused: the consumer passed a client's group name through");

        await _host.Services.GetRequiredService<IGroupSender>().SendToUserAsync("ann", new ChatLine("direct", "server", "secret"), RoomJsonContext.Default.ChatLine);
        await AssertNothingBeforeTheNextReplyAsync(bob);
    }

    [Test]
    public void UserGroupNames_EncodeTheId_AndStayValid()
    {
        Assert.That(GroupName.ForUser("ann"), Is.EqualTo("consumers.user:ann"));
        Assert.That(GroupName.IsValid(GroupName.ForUser("ann@example.com")), Is.True);
        Assert.That(GroupName.IsValid(GroupName.ForUser(new string('x', 300))), Is.True);
        Assert.That(() => GroupName.ForUser(""), Throws.ArgumentException);
    }

    [Test]
    public async Task AConsumer_CannotSubscribeToAUserGroup_AsJoiningIsRefused()
    {
        await using var bob = await ConnectAsync("/ws/rooms/a", "bob");
        var id = Guid.NewGuid().ToString("N");
        var subscribe = await bob.RequestAsync($$"""{"action": "subscribe", "group": "{{GroupName.ForUser("ann")}}", "request_id": "subscribe-{{id}}"}""");
        var join = await bob.RequestAsync($$"""{"action": "join", "group": "{{GroupName.ForUser("ann")}}", "request_id": "join-{{id}}"}""");
        Assert.That(subscribe.ResponseStatus, Is.EqualTo(500), "refused: the consumer passed a client's group name through");

        await _host.Services.GetRequiredService<IGroupSender>().SendToUserAsync("ann", new ChatLine("direct", "server", "secret"), RoomJsonContext.Default.ChatLine);
        await AssertNothingBeforeTheNextReplyAsync(bob);

        // The same refusal as JoinGroupAsync's: the same exception, the same words.
        Exception? Failure(string requestId) => CapturingLoggerProvider.Instance.Entries
            .SingleOrDefault(e => e.EventId.Name == "ActionFailed" && e.Message.Contains(requestId, StringComparison.Ordinal))?.Exception;
        var subscribeFailure = Failure("subscribe-" + id);
        var joinFailure = Failure("join-" + id);
        Assert.That(join.ResponseStatus, Is.EqualTo(500));
        Assert.That(subscribeFailure, Is.TypeOf<ArgumentException>());
        Assert.That(subscribeFailure!.Message, Is.EqualTo(joinFailure?.Message));
    }

    [TestCase(new[] { "nameid=u1", "sub=s1", "name=ann" }, "u1")]
    [TestCase(new[] { "sub=s1", "name=ann" }, "s1")]
    [TestCase(new[] { "name=ann" }, "ann")]
    public void TheUserId_IsTheNameIdentifier_ElseTheTokensSubject_ElseTheName(string[] claims, string expected)
    {
        var identity = new System.Security.Claims.ClaimsIdentity(
            claims.Select(c => c.Split('=')).Select(c => new System.Security.Claims.Claim(c[0] == "nameid" ? System.Security.Claims.ClaimTypes.NameIdentifier : c[0], c[1])),
            authenticationType: "test",
            nameType: "name",
            roleType: "role");
        Assert.That(global::Consumers.Security.UserId.Of(new System.Security.Claims.ClaimsPrincipal(identity)), Is.EqualTo(expected));
    }

    private Task<ConsumerCommunicator> ConnectAsync(string path, string user)
        => ConsumerCommunicator.ConnectAsync(_host.WebSocketUri(path + "?access_token=" + TestJwt.Issue(user)));

    private static async Task AssertNothingBeforeTheNextReplyAsync(ConsumerCommunicator client)
    {
        // A request's reply is a barrier: a message sent to the client before it would have arrived before it.
        await client.RequestAsync("""{"action": "channel", "request_id": "next"}""");
        await client.AssertNothingReceivedAsync(TimeSpan.Zero);
    }
}
