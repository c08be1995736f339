using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsClientOptionsTests
{
    [Test]
    public void Defaults_FollowTheReferenceClients()
    {
        var options = new NatsClientOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.Echo, Is.False);
            Assert.That(options.PingInterval, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.MaxPingsOut, Is.EqualTo(2));
            Assert.That(options.ReconnectBufferSize, Is.EqualTo(8 * 1024 * 1024));
            Assert.That(options.ReconnectWait, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.DoesNotThrow(options.Validate);
        });
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.Urls = new List<string>()), "Urls").SetName("No URLs");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.Urls = new List<string> { "http://x:1" }), "scheme").SetName("Wrong scheme");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.Urls = new List<string> { "tls://x:1" }), "scheme").SetName("TLS scheme");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.ConnectTimeout = TimeSpan.Zero), "ConnectTimeout").SetName("Zero connect timeout");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.PingInterval = TimeSpan.FromSeconds(-1)), "PingInterval").SetName("Negative ping interval");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.MaxPingsOut = 0), "MaxPingsOut").SetName("Zero max pings out");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.ReconnectWait = TimeSpan.FromSeconds(-1)), "ReconnectWait").SetName("Negative reconnect wait");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.ReconnectJitter = TimeSpan.FromSeconds(-1)), "ReconnectJitter").SetName("Negative jitter");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.ReconnectBufferSize = -1), "ReconnectBufferSize").SetName("Negative reconnect buffer");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.MaxReconnectAttempts = -2), "MaxReconnectAttempts").SetName("Bad max reconnect attempts");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.SubscriptionChannelCapacity = 0), "SubscriptionChannelCapacity").SetName("Zero channel capacity");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.Username = "u"), "Password").SetName("User without password");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => o.Password = "p"), "Username").SetName("Password without user");
        yield return new TestCaseData(new Action<NatsClientOptions>(o => { o.Username = "u"; o.Password = "p"; o.Token = "t"; }), "mutually exclusive").SetName("Token and user");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void InvalidSetting_ThrowsArgumentException_NamingIt(Delegate configure, string expected)
    {
        var options = new NatsClientOptions();
        ((Action<NatsClientOptions>)configure)(options);
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void Connection_ValidatesOptionsOnConstruction()
    {
        Assert.Throws<ArgumentException>(() => _ = new NatsConnection(new NatsClientOptions { MaxPingsOut = 0 }));
    }

    [TestCase("nats://10.0.0.1:4333", "10.0.0.1", 4333)]
    [TestCase("10.0.0.1:4333", "10.0.0.1", 4333)]
    [TestCase("nats://example.org", "example.org", 4222)]
    public void ServerAddresses_ParseSeedAndConnectUrlForms(string url, string host, int port)
    {
        Assert.That(NatsServerAddress.Parse(url), Is.EqualTo(new NatsServerAddress(host, port)));
    }
}
