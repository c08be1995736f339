using System.Net;
using System.Net.WebSockets;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Security;

/// <summary>Connection limits, handshake and idle timeouts, the rate limit and JSON depth.</summary>
[TestFixture]
public sealed class LimitTests
{
    private static Task<TestHost> StartAsync(Action<ConsumerOptions> configure) => TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<EchoConsumer>("/ws/echo");
            app.MapConsumer<SlowConnectConsumer>("/ws/slow");
        },
        configure,
        services =>
        {
            services.AddScoped<Counter>();
            services.AddTestJwtBearer();
        });

    [Test]
    public async Task MaxConnections_RefusesTheNextHandshakeWith503_UntilOneCloses()
    {
        await using var host = await StartAsync(o => o.MaxConnections = 2);
        var first = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await using var second = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/echo")), Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        await first.DisposeAsync();
        await WaitForAsync(async () => await Handshake.StatusAsync(host.WebSocketUri("/ws/echo")) == HttpStatusCode.SwitchingProtocols);
    }

    [Test]
    public async Task MaxConnectionsPerUser_RefusesTheSameUsersNextHandshakeWith429_NotOtherUsers()
    {
        await using var host = await StartAsync(o => o.MaxConnectionsPerUser = 1);
        await using var alice = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo?access_token=" + TestJwt.Issue("alice")));
        Assert.Multiple(async () =>
        {
            Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/echo?access_token=" + TestJwt.Issue("alice"))), Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/echo?access_token=" + TestJwt.Issue("bob"))), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
        });
    }

    [Test]
    public async Task MaxConnectionsPerAddress_RefusesTheNextHandshakeFromThatAddressWith429()
    {
        await using var host = await StartAsync(o => o.MaxConnectionsPerAddress = 2);
        await using var first = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await using var second = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo?access_token=" + TestJwt.Issue("carl")));
        Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/echo")), Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task MaxConnectionsPerAddress_CountsAnIPv6AddressWithItsWhole64_AndIPv4AddressesApart()
    {
        // Behind a proxy (UseForwardedHeaders, as the option's documentation says), the client address comes from
        // X-Forwarded-For; loopback is a trusted proxy by default.
        await using var host = await TestHost.StartAsync(
            app =>
            {
                ((IApplicationBuilder)app).UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor });
                app.MapConsumer<EchoConsumer>("/ws/echo");
            },
            o => o.MaxConnectionsPerAddress = 2,
            s => s.AddScoped<Counter>());
        Task<HttpStatusCode> From(string address) => Handshake.StatusAsync(host.WebSocketUri("/ws/echo"), o => o.SetRequestHeader("X-Forwarded-For", address));
        var open = new List<TestClient>();
        try
        {
            open.Add(await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"), o => o.SetRequestHeader("X-Forwarded-For", "2001:db8:1:2::1")));
            open.Add(await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"), o => o.SetRequestHeader("X-Forwarded-For", "2001:db8:1:2:ffff:ffff:ffff:fffe")));
            open.Add(await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"), o => o.SetRequestHeader("X-Forwarded-For", "198.51.100.1")));
            open.Add(await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"), o => o.SetRequestHeader("X-Forwarded-For", "198.51.100.2")));
            Assert.Multiple(async () =>
            {
                Assert.That(await From("2001:db8:1:2::9"), Is.EqualTo(HttpStatusCode.TooManyRequests), "same /64");
                Assert.That(await From("2001:db8:1:3::1"), Is.EqualTo(HttpStatusCode.SwitchingProtocols), "next /64");
                Assert.That(await From("198.51.100.3"), Is.EqualTo(HttpStatusCode.SwitchingProtocols), "IPv4 addresses count apart");
            });
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [TestCase("2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64")]
    [TestCase("::ffff:198.51.100.7", "ip:198.51.100.7")]
    [TestCase("198.51.100.7", "ip:198.51.100.7")]
    public void AddressKey_GroupsIPv6By64_AndUnmapsIPv4(string address, string key)
        => Assert.That(global::Consumers.Security.ConnectionLimiter.AddressKey(IPAddress.Parse(address)), Is.EqualTo(key));

    [Test]
    public async Task HandshakeTimeout_AnswersASlowOnConnectWith503_AndCancelsIt()
    {
        await using var host = await StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/slow")), Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task HandshakeTimeout_ReleasesTheConnectionSlot()
    {
        await using var host = await StartAsync(o =>
        {
            o.HandshakeTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxConnections = 1;
        });
        await Handshake.StatusAsync(host.WebSocketUri("/ws/slow"));
        Assert.That(await Handshake.StatusAsync(host.WebSocketUri("/ws/echo")), Is.EqualTo(HttpStatusCode.SwitchingProtocols));
    }

    [Test]
    public async Task IdleTimeout_ClosesAConnectionThatSendsNothing()
    {
        await using var host = await StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        Assert.That(await client.ReceiveCloseAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(WebSocketCloseStatus.NormalClosure));
        Assert.That(client.Socket.CloseStatusDescription, Is.EqualTo("Idle timeout"));
    }

    [Test]
    public async Task IdleTimeout_EachMessageRestartsIt()
    {
        await using var host = await StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(400));
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(150);
            Assert.That((await client.RequestAsync("""{"action": "add", "a": 1, "b": 1}"""))["data"]!.GetValue<int>(), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task RateLimit_MessagesOverTheBurst_Get429_WithTheirActionAndRequestId_AndTheConnectionStays()
    {
        await using var host = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 2;
            o.RateLimitBurst = 3;
        });
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 6; i++)
        {
            await client.SendAsync($$"""{"action": "add", "a": {{i}}, "b": 0, "request_id": {{i}}}""");
        }

        var replies = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < 6; i++)
        {
            replies.Add(await client.ReceiveAsync());
        }

        var throttled = replies.Where(r => r["response_status"]!.GetValue<int>() == 429).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(replies.Count(r => r["response_status"]!.GetValue<int>() == 200), Is.EqualTo(3));
            Assert.That(throttled, Has.Count.EqualTo(3));
            Assert.That(throttled[0]["errors"]!.ToJsonString(), Is.EqualTo("""["Request was throttled."]"""));
            Assert.That(throttled[0]["action"]!.GetValue<string>(), Is.EqualTo("add"));
            Assert.That(throttled.Select(r => r["request_id"]!.GetValue<int>()), Is.EqualTo(new[] { 3, 4, 5 }));
        });

        await Task.Delay(600);
        Assert.That((await client.RequestAsync("""{"action": "add", "a": 1, "b": 1}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(200), "tokens refill");
    }

    [Test]
    public async Task RateLimit_ThrottledBinaryFrame_Gets429()
    {
        await using var host = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.1;
            o.RateLimitBurst = 1;
        });
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await client.RequestAsync("""{"action": "nothing"}""");
        await client.SendAsync([1, 2, 3], WebSocketMessageType.Binary);
        Assert.That((await client.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(429));
    }

    [Test]
    public async Task RateLimit_SustainedAbuse_ClosesTheConnectionWith1008()
    {
        await using var host = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 1;
            o.RateLimitBurst = 1;
            o.RateLimitAbuseThreshold = 20;
        });
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 40; i++)
        {
            await client.SendAsync("""{"action": "nothing"}""");
        }

        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
    }

    [Test]
    public async Task RateLimit_Default_AllowsABurstOf200_AndAnInteractiveClient()
    {
        await using var host = await StartAsync(_ => { });
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 200; i++)
        {
            await client.SendAsync("""{"action": "add", "a": 1, "b": 2}""");
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.That((await client.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(200), $"message {i}");
        }

        // Then 100 messages per second, each awaited like an interactive client's.
        await Task.Delay(2100);
        var paced = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            Assert.That((await client.RequestAsync("""{"action": "add", "a": 1, "b": 2}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            var due = TimeSpan.FromMilliseconds(10 * (i + 1)) - paced.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }
    }

    [Test]
    public async Task MaxJsonDepth_DeeperRequest_Gets400_AndTheConnectionStays()
    {
        await using var host = await StartAsync(o => o.MaxJsonDepth = 8);
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var nested = new string('[', 10) + new string(']', 10);
        var reply = await client.RequestAsync($$"""{"action": "echo", "text": {{nested}}}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400));
        var shallow = new string('[', 5) + new string(']', 5);
        Assert.That((await client.RequestAsync($$"""{"action": "request_info", "x": {{shallow}}, "request_id": 1}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [TestCase(nameof(ConsumerOptions.RateLimitPerSecond))]
    [TestCase(nameof(ConsumerOptions.RateLimitBurst))]
    [TestCase(nameof(ConsumerOptions.MaxConnections))]
    [TestCase(nameof(ConsumerOptions.HandshakeTimeout))]
    [TestCase(nameof(ConsumerOptions.IdleTimeout))]
    [TestCase(nameof(ConsumerOptions.FragmentedMessageTimeout))]
    public void OutOfRangeOption_FailsAtFirstUse(string option)
    {
        var options = new ConsumerOptions();
        switch (option)
        {
            case nameof(ConsumerOptions.RateLimitPerSecond): options.RateLimitPerSecond = -1; break;
            case nameof(ConsumerOptions.RateLimitBurst): options.RateLimitBurst = 0; break;
            case nameof(ConsumerOptions.MaxConnections): options.MaxConnections = -1; break;
            case nameof(ConsumerOptions.HandshakeTimeout): options.HandshakeTimeout = TimeSpan.Zero; break;
            case nameof(ConsumerOptions.FragmentedMessageTimeout): options.FragmentedMessageTimeout = TimeSpan.FromSeconds(-1); break;
            default: options.IdleTimeout = TimeSpan.FromSeconds(-1); break;
        }

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not met in time");
            await Task.Delay(50);
        }
    }
}
