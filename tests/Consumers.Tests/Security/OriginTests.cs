using System.Net;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>The handshake's Origin check: the app's own origin (scheme, host and port) or a listed one.</summary>
[TestFixture]
public sealed class OriginTests
{
    private static Task<TestHost> StartAsync(params string[] allowed) => TestHost.StartAsync(
        app => app.MapConsumer<EchoConsumer>("/ws/echo"),
        o =>
        {
            foreach (var origin in allowed)
            {
                o.AllowedOrigins.Add(origin);
            }
        },
        s => s.AddScoped<Counter>());

    private static Task<HttpStatusCode> StatusAsync(TestHost host, string? origin)
        => Handshake.StatusAsync(host.WebSocketUri("/ws/echo"), o =>
        {
            if (origin is not null)
            {
                o.SetRequestHeader("Origin", origin);
            }
        });

    [Test]
    public async Task ByDefault_APageOfTheSameHostAndPort_Connects()
    {
        await using var host = await StartAsync();
        Assert.That(await StatusAsync(host, $"http://{host.BaseUri.Authority}"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    [TestCase("https://evil.example")]
    [TestCase("null")]
    [TestCase("not a url")]
    public async Task ByDefault_AForeignOrigin_Gets403_AndNoSocket(string origin)
    {
        await using var host = await StartAsync();
        Assert.That(await StatusAsync(host, origin), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ByDefault_TheSameHostOnAnotherPort_Gets403()
    {
        await using var host = await StartAsync();
        Assert.That(await StatusAsync(host, $"http://127.0.0.1:{host.BaseUri.Port + 1}"), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ARequestWithoutOrigin_NonBrowserClient_Connects()
    {
        await using var host = await StartAsync();
        Assert.That(await StatusAsync(host, null), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    [Test]
    public async Task ConfiguredOrigins_AllowTheListedOrigin_BesideTheAppsOwn_AndRefuseOthers()
    {
        await using var host = await StartAsync("https://app.example.com/");
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusAsync(host, "https://APP.example.com"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
            Assert.That(await StatusAsync(host, "https://other.example.com"), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await StatusAsync(host, "https://app.example.com:8443"), Is.EqualTo(HttpStatusCode.Forbidden), "another port of a listed origin is another origin");
            Assert.That(await StatusAsync(host, "http://app.example.com"), Is.EqualTo(HttpStatusCode.Forbidden), "another scheme of a listed origin is another origin");
            Assert.That(await StatusAsync(host, $"http://{host.BaseUri.Authority}"), Is.EqualTo(HttpStatusCode.SwitchingProtocols), "the app's own origin stays allowed");
        });
    }

    [Test]
    public async Task Wildcard_AllowsAnyOrigin()
    {
        await using var host = await StartAsync("*");
        Assert.That(await StatusAsync(host, "https://anywhere.example"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    private static Task<TestHost> StartWithAllowedHostsAsync(string allowedHosts) => TestHost.StartAsync(
        app => app.MapConsumer<EchoConsumer>("/ws/echo"),
        services: s => s.AddScoped<Counter>(),
        settings: new Dictionary<string, string?> { ["AllowedHosts"] = allowedHosts });

    [Test]
    public async Task ByDefault_APageOfTheSameHostButTheOtherScheme_Gets403()
    {
        await using var host = await StartAsync();
        Assert.That(await StatusAsync(host, $"https://{host.BaseUri.Authority}"), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task ByDefault_TheCheckTrustsTheHostHeader_AndSaysSoAtStartUp()
    {
        var warnings = Warnings();
        await using var host = await StartAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(Warnings(), Is.EqualTo(warnings + 1));

            // What the warning is about: a rebinding page's Origin and Host agree.
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "evil.example", "http://evil.example"), Is.EqualTo(101));
        });
    }

    [Test]
    public async Task AllowedHosts_APageOfTheRequestsOwnOrigin_Connects_AndNoWarningIsLogged()
    {
        var warnings = Warnings();
        await using var host = await StartWithAllowedHostsAsync("app.example;*.example.org");
        Assert.Multiple(async () =>
        {
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "http://app.example"), Is.EqualTo(101));
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "chat.example.org:8080", "http://chat.example.org:8080"), Is.EqualTo(101), "subdomain pattern, with the port the Host names");
            Assert.That(Warnings(), Is.EqualTo(warnings));
        });
    }

    [Test]
    public async Task AllowedHosts_AreNoOrigins_APageOnAnotherPortOfAnAllowedHost_Gets403()
    {
        // Browsers send SameSite=Strict cookies to every port of a host: a page served on another port must not act
        // as the signed-in user, although its host is allowed.
        await using var host = await StartWithAllowedHostsAsync("app.example;*.example.org");
        Assert.Multiple(async () =>
        {
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "http://app.example:5299"), Is.EqualTo(403));
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "chat.example.org", "http://chat.example.org:8080"), Is.EqualTo(403));
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "http://chat.example.org"), Is.EqualTo(403), "another allowed host is another origin");
        });
    }

    [Test]
    public async Task AllowedHosts_ADnsRebindingPage_WithMatchingOriginAndHost_IsRefused()
    {
        await using var host = await StartWithAllowedHostsAsync("app.example");
        Assert.Multiple(async () =>
        {
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "evil.example", "http://evil.example"), Is.Not.EqualTo(101));
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "http://evil.example"), Is.EqualTo(403));
            Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "http://example.org"), Is.EqualTo(403));
        });
    }

    [Test]
    public async Task AllowedHosts_APageOfTheOtherScheme_Gets403()
    {
        await using var host = await StartWithAllowedHostsAsync("app.example");
        Assert.That(await Handshake.RawStatusAsync(host.BaseUri, "/ws/echo", "app.example", "https://app.example"), Is.EqualTo(403));
    }

    [Test]
    public async Task AllowedHostsWildcard_KeepsTheSameHostCheck()
    {
        await using var host = await StartWithAllowedHostsAsync("*");
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusAsync(host, $"http://{host.BaseUri.Authority}"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
            Assert.That(await StatusAsync(host, "http://evil.example"), Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    private static int Warnings() => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "OriginCheckTrustsHostHeader");
}
