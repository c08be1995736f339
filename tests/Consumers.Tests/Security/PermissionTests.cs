using System.Net;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>DCRF's permission_classes: [Permission] on consumers and actions, over real sockets.</summary>
[TestFixture]
public sealed class PermissionTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<MixedConsumer>("/ws/mixed");
            app.MapConsumer<GuardedConsumer>("/ws/guarded");
            app.MapConsumer<AuthenticatedOnlyConsumer>("/ws/authenticated");
        },
        services: services =>
        {
            services.AddTestJwtBearer();
            services.AddSingleton<AuditLog>().AddScoped<ScopedAudit>();
        });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    private Uri Uri(string path, string? token = null)
        => _host.WebSocketUri(token is null ? path : $"{path}{(path.Contains('?') ? '&' : '?')}access_token={TestJwt.Issue(token)}");

    private async Task<int> StatusOfAsync(string path, string? token, string request)
    {
        await using var client = await TestClient.ConnectAsync(Uri(path, token));
        return (await client.RequestAsync(request))["response_status"]!.GetValue<int>();
    }

    [Test]
    public async Task ActionPermission_Denied_Gets403WithDrfsText()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed?room=blue", "amy;room=red"));
        var reply = await client.RequestAsync("""{"action": "room_only", "request_id": "x"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(reply["errors"]!.ToJsonString(), Is.EqualTo("""["You do not have permission to perform this action."]"""));
            Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("x"));
        });
    }

    [Test]
    public async Task ActionPermission_DeniedForAnAnonymousUser_Gets401()
        => Assert.That(await StatusOfAsync("/ws/mixed?room=blue", null, """{"action": "room_only"}"""), Is.EqualTo(401));

    [Test]
    public async Task ActionPermission_Allowed_RunsTheAction()
        => Assert.That(await StatusOfAsync("/ws/mixed?room=blue", "amy;room=blue", """{"action": "room_only"}"""), Is.EqualTo(200));

    [TestCase("bo;role=staff", 200)]
    [TestCase("cy;room=blue", 200)]
    [TestCase("di", 403)]
    public async Task ComposedPermission_StaffOrMember_AllowsEitherOperand(string token, int status)
        => Assert.That(await StatusOfAsync("/ws/mixed?room=blue", token, """{"action": "staff_or_room"}"""), Is.EqualTo(status));

    [Test]
    public async Task PermissionWithServices_IsResolvedFromTheConnectionsScope()
    {
        var log = _host.Services.GetRequiredService<AuditLog>();
        Assert.That(await StatusOfAsync("/ws/mixed", null, """{"action": "audited"}"""), Is.EqualTo(200));
        Assert.That(log.Checks, Does.Contain("audited"));
    }

    [Test]
    public async Task PermissionThatIsNotRegistered_Gets500WithoutDetails_AndTheConnectionStaysOpen()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed"));
        var text = await client.SendAndReceiveTextAsync("""{"action": "broken"}""");
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("\"response_status\":500"));
            Assert.That(text, Does.Contain("Internal server error"));
            Assert.That(text, Does.Not.Contain("Unregistered"));
        });
        Assert.That((await client.RequestAsync("""{"action": "open"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [Test]
    public async Task ConsumerPermission_AppliesToEveryAction()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/guarded", "eve"));
        Assert.Multiple(async () =>
        {
            Assert.That((await client.RequestAsync("""{"action": "read"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That((await client.RequestAsync("""{"action": "delete_all"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(403));
        });
    }

    [Test]
    public async Task ConsumerPermission_IsCheckedBeforeTheActionIsLookedUp_AsDcrfDoes()
        => Assert.That(await StatusOfAsync("/ws/guarded", "eve", """{"action": "delete_unknown"}"""), Is.EqualTo(403));

    [Test]
    public async Task ConsumerPermission_CanConnectRefusal_Answers403_AndAcceptsNoSocket()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/authenticated")), Is.EqualTo(HttpStatusCode.Forbidden));

    [Test]
    public async Task ConsumerPermission_CanConnect_AllowsAnAuthenticatedUser()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/authenticated", "fay")), Is.EqualTo(HttpStatusCode.SwitchingProtocols));

    [TestCase("blue", true)]
    [TestCase("red", false)]
    public async Task HasObjectPermissionAsync_AsksTheConsumersPermissionsAboutOneObject(string room, bool allowed)
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/guarded", "gus;room=blue"));
        var reply = await client.RequestAsync($$"""{"action": "may_see", "room": "{{room}}"}""");
        Assert.That(reply["data"]!.GetValue<bool>(), Is.EqualTo(allowed));
    }

    [Test]
    public async Task HasObjectPermissionAsync_WithoutConsumerPermissions_Allows()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed"));
        Assert.That((await client.RequestAsync("""{"action": "may_see", "room": "any"}"""))["data"]!.GetValue<bool>(), Is.True);
    }
}
