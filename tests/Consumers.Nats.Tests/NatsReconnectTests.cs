using Consumers.Groups.Nats.Client;
using static Consumers.Nats.Tests.NatsTestClient;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsReconnectTests
{
    [Test]
    public async Task ServerRestartOnTheSamePort_ClientReconnects_Resubscribes_AndDeliversPublishesBufferedDuringTheOutage()
    {
        var server = await NatsServerProcess.StartAsync();
        var port = server.Port;
        // Echo: the re-SUB and the buffered publishes travel on the same socket, SUBs first, so delivery is certain.
        await using var connection = await ConnectAsync(server.Url, o => o.Echo = true);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnected += (_, _) => reconnected.TrySetResult();
        await using var subscription = await connection.SubscribeAsync("outage");
        await connection.FlushAsync();

        await server.KillAsync();
        await WaitUntilAsync(() => connection.State == NatsConnectionState.Reconnecting, "the client noticed the outage");
        for (var i = 0; i < 10; i++)
        {
            await connection.PublishAsync("outage", Bytes($"m{i}"));
        }

        await server.DisposeAsync();
        await using var restarted = await NatsServerProcess.StartAsync(port: port);
        await reconnected.Task.WaitAsync(WaitLimit);

        var texts = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            texts.Add(Text(await ReceiveAsync(subscription)));
        }

        Assert.Multiple(() =>
        {
            Assert.That(texts, Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"m{i}")));
            Assert.That(connection.State, Is.EqualTo(NatsConnectionState.Connected));
            Assert.That(connection.Statistics.ReconnectCount, Is.EqualTo(1));
            Assert.That(connection.Statistics.DisconnectCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AfterReconnect_SubscriptionsReceiveFromOtherClients()
    {
        var server = await NatsServerProcess.StartAsync();
        var port = server.Port;
        await using var subscriber = await ConnectAsync(server.Url);
        await using var publisher = await ConnectAsync(server.Url);
        var events = new List<string>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Disconnected += (_, _) => events.Add("disconnected");
        subscriber.Reconnected += (_, _) =>
        {
            events.Add("reconnected");
            reconnected.TrySetResult();
        };
        await using var subscription = await subscriber.SubscribeAsync("resub");
        await subscriber.FlushAsync();

        await server.DisposeAsync();
        await using var restarted = await NatsServerProcess.StartAsync(port: port);
        await reconnected.Task.WaitAsync(WaitLimit);
        await WaitUntilAsync(() => publisher.State == NatsConnectionState.Connected, "the publisher reconnected");
        await publisher.PublishAsync("resub", Bytes("after"));

        Assert.Multiple(async () =>
        {
            Assert.That(Text(await ReceiveAsync(subscription)), Is.EqualTo("after"));
            Assert.That(events, Is.EqualTo(new[] { "disconnected", "reconnected" }));
        });
    }

    [Test]
    public async Task AfterReconnect_UnsubMaxContinuesWithTheRemainingCount()
    {
        var server = await NatsServerProcess.StartAsync();
        var port = server.Port;
        await using var connection = await ConnectAsync(server.Url, o => o.Echo = true);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnected += (_, _) => reconnected.TrySetResult();
        var subscription = connection.Subscribe("remaining", maxMsgs: 3);
        await connection.FlushAsync();
        await connection.PublishAsync("remaining", Bytes("1"));
        await ReceiveAsync(subscription);

        await server.DisposeAsync();
        await using var restarted = await NatsServerProcess.StartAsync(port: port);
        await reconnected.Task.WaitAsync(WaitLimit);
        for (var i = 2; i <= 5; i++)
        {
            await connection.PublishAsync("remaining", Bytes($"{i}"));
        }

        await connection.FlushAsync();
        var texts = new List<string>();
        using var cts = new CancellationTokenSource(WaitLimit);
        await foreach (var msg in subscription.Messages.ReadAllAsync(cts.Token))
        {
            texts.Add(Text(msg));
        }

        Assert.That(texts, Is.EqualTo(new[] { "2", "3" }));
    }

    [Test]
    public async Task WhileDisconnected_PublishesBeyondTheReconnectBuffer_FailClearly_AndAreCounted()
    {
        var server = await NatsServerProcess.StartAsync();
        await using var connection = await ConnectAsync(server.Url, o =>
        {
            o.ReconnectBufferSize = 4096;
            o.ReconnectWait = TimeSpan.FromSeconds(10);
        });
        await server.DisposeAsync();
        await WaitUntilAsync(() => connection.State == NatsConnectionState.Reconnecting, "the client noticed the outage");

        var accepted = 0;
        NatsReconnectBufferExceededException? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try
            {
                await connection.PublishAsync("overflow", new byte[1000]);
                accepted++;
            }
            catch (NatsReconnectBufferExceededException ex)
            {
                refused = ex;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.EqualTo(4), "4 x ~1 KiB fit in 4 KiB");
            Assert.That(refused, Is.Not.Null);
            Assert.That(refused!.Message, Does.Contain("ReconnectBufferSize").And.Contain("4096").And.Contain("overflow"));
            Assert.That(connection.Statistics.RefusedPublishes, Is.EqualTo(1));
            Assert.That(connection.PendingBytes, Is.LessThanOrEqualTo(4096));
        });
    }

    [Test]
    public async Task FlushDuringAnOutage_CompletesAfterTheReconnect()
    {
        var server = await NatsServerProcess.StartAsync();
        var port = server.Port;
        await using var connection = await ConnectAsync(server.Url);
        await server.DisposeAsync();
        await WaitUntilAsync(() => connection.State == NatsConnectionState.Reconnecting, "the client noticed the outage");

        var flush = connection.FlushAsync();
        await Task.Delay(100);
        Assert.That(flush.IsCompleted, Is.False, "no server to answer the PING yet");

        await using var restarted = await NatsServerProcess.StartAsync(port: port);
        await flush.WaitAsync(WaitLimit);
    }

    [Test]
    public async Task UnansweredClientPings_DeclareTheConnectionStale_AndTriggerReconnect()
    {
        await using var fake = await SilentNatsServer.StartAsync();
        await using var connection = await ConnectAsync(fake.Url, o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.MaxPingsOut = 2;
        });
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Disconnected += (_, _) => disconnected.TrySetResult();

        await disconnected.Task.WaitAsync(WaitLimit);
        Assert.That(fake.PingsReceived, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task ProtocolViolationFromTheServer_DropsTheConnection_AndReconnects()
    {
        await using var fake = await SilentNatsServer.StartAsync(afterHandshake: "MSG a 1 -5\r\n"u8.ToArray());
        await using var connection = await ConnectAsync(fake.Url);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Disconnected += (_, _) => disconnected.TrySetResult();
        await disconnected.Task.WaitAsync(WaitLimit);
        await WaitUntilAsync(() => fake.Connections >= 2, "the client reconnected");
    }
}
