using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Accounts;
using Consumers.Testing.Communication;
using Consumers.Tests.Databases;
using Consumers.Testing.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's accounts under attack: a stranger cannot lock the owner out, each address is rate limited, sign-outs and
/// deleted users revoke tokens and cookies, expired tokens are refused, look-alike names are refused, unknown names
/// cost a password hash. Each test has its own in-process chat (requests carry a client address of the test's choosing).
/// </summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
[NonParallelizable]
public sealed class AccountSecurityTests(DatabaseKind kind)
{
    private const string Owner = "203.0.113.1";
    private const string Stranger = "198.51.100.7";

    private ChatFactory _app = null!;

    [SetUp]
    public void Start() => _app = new ChatFactory(kind);

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static async Task<HttpStatusCode> SignInAsync(HttpClient http, string name, string password = ChatAccounts.Password)
        => (await ChatAccounts.PostAsync(http, "/api/token", name, password)).Status;

    [Test]
    public async Task AStrangersTenWrongPasswords_LockOnlyTheStrangersAddress_TheOwnerStillSignsIn()
    {
        using var owner = _app.CreateClient(Owner);
        using var stranger = _app.CreateClient(Stranger);
        using var third = _app.CreateClient("192.0.2.33");
        await ChatAccounts.RegisterAsync(owner, "olive");

        for (var i = 0; i < SignInGuard.FailuresPerNameAndAddress; i++)
        {
            Assert.That(await SignInAsync(stranger, "olive", "wrong password " + i), Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        var (locked, lockedBody) = await ChatAccounts.PostAsync(stranger, "/api/token", "olive");
        Assert.Multiple(async () =>
        {
            Assert.That(locked, Is.EqualTo(HttpStatusCode.TooManyRequests), "the stranger's address is locked for the name, even with the right password");
            Assert.That(lockedBody["errors"]![0]!.GetValue<string>(), Does.Contain("Too many failed sign-ins for this name from your address"));
            Assert.That(await SignInAsync(owner, "olive"), Is.EqualTo(HttpStatusCode.OK), "the owner signs in (slowed down, not locked)");
            Assert.That(await SignInAsync(third, "olive", "another wrong one"), Is.EqualTo(HttpStatusCode.Unauthorized), "another address has failures of its own left");
        });
    }

    [Test]
    public async Task AccountRequests_PastTheLimitFromOneAddress_Get429WithRetryAfter_OtherAddressesDoNot()
    {
        using var busy = _app.CreateClient(Stranger);
        using var other = _app.CreateClient(Owner);
        for (var i = 0; i < AccountLimits.PerAddress; i++)
        {
            Assert.That((await ChatAccounts.PostAsync(busy, "/api/register", "", "")).Status, Is.EqualTo(HttpStatusCode.BadRequest), $"request {i + 1}");
        }

        var refused = await busy.PostAsJsonAsync("/api/token", new JsonObject { ["username"] = "x", ["password"] = "y" });
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Multiple(async () =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(body["errors"]![0]!.GetValue<string>(), Does.Contain($"at most {AccountLimits.PerAddress} a minute"));
            Assert.That((await ChatAccounts.PostAsync(other, "/api/register", "", "")).Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await ChatAccounts.PostAsync(busy, "/account/login", "x", "y")).Status, Is.EqualTo(HttpStatusCode.TooManyRequests), "the pages' endpoints share the limit");
        });
    }

    [Test]
    public async Task Logout_RevokesTheBearerToken_AtTheSocketAndTheApi()
    {
        using var http = _app.CreateClient(Owner);
        var token = await ChatAccounts.RegisterAsync(http, "lou");
        await using (var before = await _app.ConnectAsync(ChatAccounts.SocketPath(token)))
        {
            Assert.That((await before.RequestAsync("""{"action": "list", "request_id": 1}""")).ResponseStatus, Is.EqualTo(200));
        }

        Assert.That(await ChatAccounts.MeAsync(http, bearer: token), Is.EqualTo(HttpStatusCode.OK));
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.That((await http.SendAsync(logout)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        Assert.Multiple(async () =>
        {
            Assert.That(await HandshakeStatusAsync(ChatAccounts.SocketPath(token)), Is.EqualTo(401));
            Assert.That(await ChatAccounts.MeAsync(http, bearer: token), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await SignInAsync(http, "lou"), Is.EqualTo(HttpStatusCode.OK), "signing in again gives a token that works");
        });
    }

    [Test]
    public async Task Logout_RevokesTheCookie_AtTheSocketAndTheApi_EvenWhenTheOldCookieIsSentAgain()
    {
        using var http = _app.CreateClient(Owner);
        await ChatAccounts.RegisterAsync(http, "cora");
        var login = await http.PostAsJsonAsync("/account/login", new JsonObject { ["username"] = "cora", ["password"] = ChatAccounts.Password });
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("chat.auth=", StringComparison.Ordinal));
        Assert.Multiple(async () =>
        {
            Assert.That(await ChatAccounts.MeAsync(http, cookie: cookie), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await HandshakeStatusAsync("/ws/rooms", cookie), Is.EqualTo(101));
        });

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/account/logout");
        logout.Headers.Add("Cookie", cookie);
        Assert.That((await http.SendAsync(logout)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        // A copy of the cookie kept from before (stolen, or a second tab) no longer works.
        Assert.Multiple(async () =>
        {
            Assert.That(await ChatAccounts.MeAsync(http, cookie: cookie), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await HandshakeStatusAsync("/ws/rooms", cookie), Is.EqualTo(401));
        });
    }

    [Test]
    public async Task AToken_OneMinutePastItsExpiry_IsRefused_AFreshOneWorks()
    {
        using var http = _app.CreateClient(Owner);
        await ChatAccounts.RegisterAsync(http, "exa");
        using var scope = _app.Services.CreateScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByNameAsync("exa"))!;
        var tokens = _app.Services.GetRequiredService<ChatTokens>();
        var expired = tokens.Issue(user, DateTime.UtcNow - ChatTokens.Lifetime - TimeSpan.FromMinutes(1));
        var fresh = tokens.Issue(user);
        Assert.Multiple(async () =>
        {
            Assert.That(await HandshakeStatusAsync(ChatAccounts.SocketPath(expired)), Is.EqualTo(401));
            Assert.That(await ChatAccounts.MeAsync(http, bearer: expired), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await HandshakeStatusAsync(ChatAccounts.SocketPath(fresh)), Is.EqualTo(101));
            Assert.That(ChatTokens.ClockSkew, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public async Task ADeletedUsersTokenAndCookie_AreRefused()
    {
        using var http = _app.CreateClient(Owner);
        var token = await ChatAccounts.RegisterAsync(http, "dee");
        var login = await http.PostAsJsonAsync("/account/login", new JsonObject { ["username"] = "dee", ["password"] = ChatAccounts.Password });
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("chat.auth=", StringComparison.Ordinal));
        Assert.That(await HandshakeStatusAsync(ChatAccounts.SocketPath(token)), Is.EqualTo(101));

        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            Assert.That((await users.DeleteAsync((await users.FindByNameAsync("dee"))!)).Succeeded, Is.True);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await HandshakeStatusAsync(ChatAccounts.SocketPath(token)), Is.EqualTo(401));
            Assert.That(await ChatAccounts.MeAsync(http, bearer: token), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await HandshakeStatusAsync("/ws/rooms", cookie), Is.EqualTo(401));
            Assert.That(await ChatAccounts.MeAsync(http, cookie: cookie), Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [TestCase("\u0430lice", "may not mix", TestName = "LookAlike_CyrillicA_IsRefused")]
    [TestCase("alic\u0435", "may not mix", TestName = "LookAlike_CyrillicE_IsRefused")]
    [TestCase("\u0430\u04CF\u0456\u0441\u0435", "looks like one that is", TestName = "LookAlike_AllCyrillic_IsRefused")]
    [TestCase("al\u0131ce", "looks like one that is", TestName = "LookAlike_DotlessI_IsRefused")]
    [TestCase("alice\u0336", "looks like one that is", TestName = "LookAlike_CombiningStroke_IsRefused")]
    [TestCase("ALICE", "looks like one that is", TestName = "LookAlike_OtherCase_IsRefused")]
    [TestCase("a1ice", "looks like one that is", TestName = "LookAlike_DigitOne_IsRefused")]
    public async Task LookAlikeNames_AreRefused_BesideTheOriginal(string lookAlike, string reason)
    {
        using var http = _app.CreateClient(Owner);
        await ChatAccounts.RegisterAsync(http, "alice");
        var (status, body) = await ChatAccounts.PostAsync(http, "/api/register", lookAlike);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["errors"]![0]!.GetValue<string>(), Does.Contain(reason));
        });
    }

    [Test]
    public async Task NamesThatOnlyShareLetters_OrUseOneOtherScript_AreAccepted()
    {
        using var http = _app.CreateClient(Owner);
        await ChatAccounts.RegisterAsync(http, "alice");
        Assert.Multiple(async () =>
        {
            Assert.That((await ChatAccounts.PostAsync(http, "/api/register", "alicia")).Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await ChatAccounts.PostAsync(http, "/api/register", "\u0430\u043d\u043d\u0430")).Status, Is.EqualTo(HttpStatusCode.OK), "all-Cyrillic анна");
            Assert.That((await ChatAccounts.PostAsync(http, "/api/register", "bob\u674e")).Status, Is.EqualTo(HttpStatusCode.OK), "Latin beside Han");
        });
    }

    [Test]
    public async Task AnUnknownName_IsCheckedAgainstAPasswordHash_LikeAKnownOne()
    {
        var hasher = new CountingHasher();
        await using var app = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<IdentityUser>>(hasher)));
        using var http = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        await ChatAccounts.RegisterAsync(http, "kim");

        var counts = new List<int>();
        foreach (var (name, password) in new[] { ("kim", "wrong password"), ("nobody-by-this-name", "wrong password"), ("\u0430lice", "wrong password"), ("kim", ChatAccounts.Password) })
        {
            var before = hasher.Verifications;
            await ChatAccounts.PostAsync(http, "/api/token", name, password);
            counts.Add(hasher.Verifications - before);
        }

        Assert.That(counts, Is.EqualTo(new[] { 1, 1, 1, 1 }), "known name, unknown name, refused name, right password: one hash check each");
    }

    private async Task<int> HandshakeStatusAsync(string path, string? cookie = null)
    {
        try
        {
            await using var client = await _app.ConnectAsync(path, o =>
            {
                if (cookie is not null)
                {
                    o.Headers["Cookie"] = cookie;
                }
            });
            return 101;
        }
        catch (ConsumerHandshakeException refused)
        {
            return refused.StatusCode;
        }
    }

    /// <summary>Identity's hasher, counting its checks.</summary>
    private sealed class CountingHasher : IPasswordHasher<IdentityUser>
    {
        private readonly PasswordHasher<IdentityUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(IdentityUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
