using System.Net;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>The handshake's Origin check (Channels' AllowedHostsOriginValidator by default).</summary>
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
    public async Task ConfiguredOrigins_AllowTheListedOrigin_AndRefuseOthers()
    {
        await using var host = await StartAsync("https://app.example.com/");
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusAsync(host, "https://APP.example.com"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
            Assert.That(await StatusAsync(host, "https://other.example.com"), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await StatusAsync(host, $"http://{host.BaseUri.Authority}"), Is.EqualTo(HttpStatusCode.Forbidden), "the list replaces the same-host default");
        });
    }

    [Test]
    public async Task Wildcard_AllowsAnyOrigin()
    {
        await using var host = await StartAsync("*");
        Assert.That(await StatusAsync(host, "https://anywhere.example"), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }
}
