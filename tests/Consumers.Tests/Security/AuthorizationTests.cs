using System.Net;
using System.Security.Claims;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>[Authorize] and [AllowAnonymous] on consumers (handshake) and actions (per message), with ASP.NET Core authentication.</summary>
[TestFixture]
public sealed class AuthorizationTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<MembersConsumer>("/ws/members");
            app.MapConsumer<StaffConsumer>("/ws/staff");
            app.MapConsumer<OpenConsumer>("/ws/open");
            app.MapConsumer<MixedConsumer>("/ws/mixed");
            app.MapConsumers("/ws/multi", s => s.Add<MixedConsumer>("mixed").Add<MembersConsumer>("members"));
        },
        services: services =>
        {
            services.AddTestJwtBearer();
            services.AddAuthorization(o => o.AddPolicy("Adult", p => p.RequireClaim("age", "18", "30", "40")));
            services.AddSingleton<AuditLog>().AddScoped<ScopedAudit>();
        });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    private Uri Uri(string path, string? token = null)
        => _host.WebSocketUri(token is null ? path : $"{path}{(path.Contains('?') ? '&' : '?')}access_token={TestJwt.Issue(token)}");

    [Test]
    public async Task AuthorizeOnConsumer_AnonymousHandshake_Gets401_AndNoSocket()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/members")), Is.EqualTo(HttpStatusCode.Unauthorized));

    [Test]
    public async Task AuthorizeOnConsumer_FailedAuthentication_Gets401()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/members", "bad")), Is.EqualTo(HttpStatusCode.Unauthorized));

    [Test]
    public async Task AuthorizeOnConsumer_AccessTokenQueryParameter_AuthenticatesTheHandshake()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/members", "alice"));
        var reply = await client.RequestAsync("""{"action": "who_am_i"}""");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("alice"));
    }

    [Test]
    public async Task AuthorizeOnConsumer_BearerHeader_AuthenticatesTheHandshake()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/members"), o => o.SetRequestHeader("Authorization", "Bearer " + TestJwt.Issue("bob")));
        var reply = await client.RequestAsync("""{"action": "who_am_i"}""");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("bob"));
    }

    [Test]
    public async Task AuthorizeRolesOnConsumer_UserWithoutTheRole_Gets403()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/staff", "carol")), Is.EqualTo(HttpStatusCode.Forbidden));

    [Test]
    public async Task AuthorizeRolesOnConsumer_UserWithTheRole_Connects()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/staff", "dave;role=staff")), Is.EqualTo(HttpStatusCode.SwitchingProtocols));

    [Test]
    public async Task AllowAnonymousOnConsumer_CancelsTheAuthorizeOfItsBase()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/open")), Is.EqualTo(HttpStatusCode.SwitchingProtocols));

    [Test]
    public async Task MultiplexedEndpoint_RefusesTheHandshake_WhenAnyStreamsConsumerRequiresAUser()
        => Assert.That(await Handshake.StatusAsync(Uri("/ws/multi")), Is.EqualTo(HttpStatusCode.Unauthorized));

    [Test]
    public async Task AuthorizeOnAction_Anonymous_Gets401Envelope_AndTheConnectionStaysOpen()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed"));
        var reply = await client.RequestAsync("""{"action": "secret", "request_id": 5}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(401));
            Assert.That(reply["errors"]!.ToJsonString(), Is.EqualTo("""["Authentication credentials were not provided."]"""));
            Assert.That(reply["data"], Is.Null);
            Assert.That(reply["action"]!.GetValue<string>(), Is.EqualTo("secret"));
            Assert.That(reply["request_id"]!.GetValue<int>(), Is.EqualTo(5));
        });
        var next = await client.RequestAsync("""{"action": "open"}""");
        Assert.That(next["response_status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [Test]
    public async Task AuthorizeOnAction_AuthenticatedUser_RunsTheAction()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed", "erin"));
        var reply = await client.RequestAsync("""{"action": "secret"}""");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("for erin"));
    }

    [Test]
    public async Task AuthorizeRolesOnAction_UserWithoutTheRole_Gets403Envelope()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed", "frank"));
        var reply = await client.RequestAsync("""{"action": "admin"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(reply["errors"]!.ToJsonString(), Is.EqualTo("""["You do not have permission to perform this action."]"""));
        });
    }

    [Test]
    public async Task AuthorizeRolesOnAction_UserWithTheRole_RunsTheAction()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed", "gina;role=admin"));
        Assert.That((await client.RequestAsync("""{"action": "admin"}"""))["data"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [TestCase("hank;age=18", 200)]
    [TestCase("ivan;age=12", 403)]
    public async Task AuthorizePolicyOnAction_IsEvaluatedWithTheConnectionsUser(string token, int status)
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/mixed", token));
        Assert.That((await client.RequestAsync("""{"action": "drink"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(status));
    }

    [Test]
    public async Task AuthorizeOnAction_InAMultiplexedStream_IsAnsweredInThatStream()
    {
        await using var client = await TestClient.ConnectAsync(Uri("/ws/multi", "judy"));
        var reply = await client.RequestAsync("""{"stream": "mixed", "payload": {"action": "admin", "request_id": "r"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["stream"]!.GetValue<string>(), Is.EqualTo("mixed"));
            Assert.That(reply["payload"]!["response_status"]!.GetValue<int>(), Is.EqualTo(403));
        });
    }

    [Test]
    public async Task CookieAuthentication_AuthenticatesTheHandshake()
    {
        await using var host = await TestHost.StartAsync(
            app =>
            {
                app.MapGet("/login", (string name) => Results.SignIn(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme)),
                    authenticationScheme: CookieAuthenticationDefaults.AuthenticationScheme));
                app.MapConsumer<MembersConsumer>("/ws/members");
            },
            services: services => services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie());
        var cookies = new CookieContainer();
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = host.BaseUri })
        {
            (await http.GetAsync("/login?name=kim")).EnsureSuccessStatusCode();
        }

        Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/members")), Is.EqualTo(HttpStatusCode.Unauthorized), "without the cookie");
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/members"), o => o.Cookies = cookies);
        Assert.That((await client.RequestAsync("""{"action": "who_am_i"}"""))["data"]!.GetValue<string>(), Is.EqualTo("kim"));
    }
}
