using Consumers.Groups.Nats.Client;
using static Consumers.Nats.Tests.NatsTestClient;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsAuthTests
{
    private NatsServerProcess _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await NatsServerProcess.StartAsync(null, null, false, "--user", "alice", "--pass", "s3cret");

    [OneTimeTearDown]
    public async Task StopServer()
    {
        // Null when SetUp failed (e.g. nats-server missing): keep that failure message visible.
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task UserAndPassword_AreAccepted()
    {
        await using var connection = await ConnectAsync(_server.Url, o =>
        {
            o.Username = "alice";
            o.Password = "s3cret";
            o.Echo = true;
        });
        await using var subscription = await connection.SubscribeAsync("auth");
        await connection.FlushAsync();
        await connection.PublishAsync("auth", Bytes("ok"));

        Assert.Multiple(async () =>
        {
            Assert.That(connection.ServerInfo!.AuthRequired, Is.True);
            Assert.That(Text(await ReceiveAsync(subscription)), Is.EqualTo("ok"));
        });
    }

    [Test]
    public void WrongPassword_FailsConnect_WithTheServersAuthorizationViolation()
    {
        var options = Options(_server.Url);
        options.Username = "alice";
        options.Password = "wrong";
        var connection = new NatsConnection(options);
        var ex = Assert.ThrowsAsync<NatsConnectionException>(() => connection.ConnectAsync());
        Assert.Multiple(() =>
        {
            Assert.That(ex!.ServerError, Is.EqualTo("Authorization Violation"));
            Assert.That(ex.Message, Does.Contain("refused the connection").And.Contain("Authorization Violation").And.Contain(_server.Url));
            Assert.That(connection.State, Is.EqualTo(NatsConnectionState.Disconnected));
        });
    }

    [Test]
    public void MissingCredentials_FailConnect_WithAuthorizationViolation()
    {
        var connection = new NatsConnection(Options(_server.Url));
        var ex = Assert.ThrowsAsync<NatsConnectionException>(() => connection.ConnectAsync());
        Assert.That(ex!.ServerError, Is.EqualTo("Authorization Violation"));
    }
}
