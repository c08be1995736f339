using Consumers.Groups.Nats.Client;
using static Consumers.Nats.Tests.NatsTestClient;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsServerLimitsTests
{
    [Test]
    public async Task MaxPayload_FromInfo_RefusesOversizePublishesLocally_AndKeepsTheConnection()
    {
        await using var server = await NatsServerProcess.StartAsync("max_payload: 1024\n");
        await using var connection = await ConnectAsync(server.Url, o => o.Echo = true);
        await using var subscription = await connection.SubscribeAsync("big");
        await connection.FlushAsync();

        var ex = Assert.ThrowsAsync<NatsPayloadTooLargeException>(async () => await connection.PublishAsync("big", new byte[1025]));
        await connection.PublishAsync("big", new byte[1024]);

        Assert.Multiple(async () =>
        {
            Assert.That(connection.ServerInfo!.MaxPayload, Is.EqualTo(1024));
            Assert.That(ex!.Message, Does.Contain("1025").And.Contain("1024").And.Contain("max_payload"));
            Assert.That((await ReceiveAsync(subscription)).Payload.Length, Is.EqualTo(1024));
            Assert.That(connection.Statistics.DisconnectCount, Is.Zero);
        });
    }

    [Test]
    public async Task MaxPayload_CountsHeadersToo()
    {
        await using var server = await NatsServerProcess.StartAsync("max_payload: 1024\n");
        await using var connection = await ConnectAsync(server.Url);
        var headers = new NatsHeaders { { "X-A", "1" } }; // 20 bytes

        var ex = Assert.ThrowsAsync<NatsPayloadTooLargeException>(async () => await connection.PublishAsync("big", new byte[1010], headers));
        Assert.That(ex!.Size, Is.EqualTo(1030));
    }

    [Test]
    public async Task ServerPing_IsAnsweredWithPong_SoTheServerKeepsTheConnection()
    {
        // Unanswered, the server would close the connection after 2 missed PINGs (~0.6 s here).
        await using var server = await NatsServerProcess.StartAsync("ping_interval: \"200ms\"\nping_max: 2\n");
        await using var connection = await ConnectAsync(server.Url);

        await WaitUntilAsync(() => connection.Statistics.ServerPings >= 5, "the server sent 5 PINGs");

        Assert.Multiple(() =>
        {
            Assert.That(connection.State, Is.EqualTo(NatsConnectionState.Connected));
            Assert.That(connection.Statistics.DisconnectCount, Is.Zero);
        });
    }

    [Test]
    public async Task ClientPings_AnsweredByTheServer_KeepTheConnectionAlive()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var connection = await ConnectAsync(server.Url, o => o.PingInterval = TimeSpan.FromMilliseconds(50));

        await Task.Delay(400);

        Assert.Multiple(() =>
        {
            Assert.That(connection.State, Is.EqualTo(NatsConnectionState.Connected));
            Assert.That(connection.Statistics.DisconnectCount, Is.Zero);
        });
    }

    [Test]
    public async Task PermissionsViolation_IsANonClosingError_TheConnectionStays()
    {
        const string Config = """
            authorization {
              users = [ { user: "limited", password: "pw", permissions: { publish: "allowed.>", subscribe: ">" } } ]
            }
            """;
        await using var server = await NatsServerProcess.StartAsync(Config);
        await using var connection = await ConnectAsync(server.Url, o =>
        {
            o.Username = "limited";
            o.Password = "pw";
            o.Echo = true;
        });
        await using var subscription = await connection.SubscribeAsync("allowed.x");
        await connection.FlushAsync();

        await connection.PublishAsync("denied", Bytes("no"));
        await connection.FlushAsync();
        await connection.PublishAsync("allowed.x", Bytes("yes"));

        Assert.Multiple(async () =>
        {
            Assert.That(Text(await ReceiveAsync(subscription)), Is.EqualTo("yes"));
            Assert.That(connection.Statistics.ErrorsFromServer, Is.EqualTo(1));
            Assert.That(connection.Statistics.DisconnectCount, Is.Zero);
        });
    }
}
