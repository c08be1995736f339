using Consumers.Testing.Nats;
using System.Diagnostics;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>
/// What the layer promises across a NATS outage: with JetStream no group message is lost or doubled, reconnects are
/// quick, sends held meanwhile are bounded, and without JetStream the layer says it is at-most-once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsOutageTests
{
    [Test]
    public async Task ServerRestartedThreeTimes_WithJetStream_NodeBGetsEveryMessageOnce_InOrder()
    {
        var store = Directory.CreateTempSubdirectory("consumers-js-").FullName;
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartJetStreamAsync(store, port);
        try
        {
            await using var hostA = await NatsHosts.StartAsync(server.Url);
            await using var hostB = await NatsHosts.StartAsync(server.Url);
            Assert.That(hostA.Layer().ReplayEnabled && hostB.Layer().ReplayEnabled, Is.True, "JetStream replay is on");
            await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/outage"));
            await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/outage"));
            await NatsHosts.ProbeUntilReceivedAsync(a, b);

            // Node A's user says m0..m179, 20 a second; at 0.75 s into each 3 s the server is killed and restarted on the
            // same port and store about a second later.
            const int Total = 180;
            var lines = NumberedLines.Start(a, b, Total, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(40));
            var received = lines.Received;

            for (var restart = 0; restart < 3; restart++)
            {
                await Eventually.WaitUntilAsync(() => lines.Sent >= (restart * 60) + 15, TimeSpan.FromSeconds(30));
                await server.KillAsync();
                await server.DisposeAsync();
                await Task.Delay(1000);
                server = await NatsServer.StartJetStreamAsync(store, port);
                await Eventually.WaitUntilAsync(() => lines.Sent >= (restart + 1) * 60, TimeSpan.FromSeconds(30));
            }

            await lines.Saying;
            try
            {
                await lines.Receiving.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
            {
                await using var probe = new NatsConnection(NatsOpts.Default with { Url = server.Url });
                var stream = await new NATS.Client.JetStream.NatsJSContext(probe).GetStreamAsync("consumers-groups");
                var before = hostB.Layer().State;
                await probe.PublishAsync("consumers.g.room:outage", "{}"u8.ToArray());
                await Task.Delay(500);
                TestContext.Out.WriteLine("B before probe: " + before[..200] + "\nB after probe: " + hostB.Layer().State[..200]);
                Assert.Fail($"node B received {received.Count} of {Total}: {string.Join(' ', received)}\nA: {hostA.Layer().State}\nB: {hostB.Layer().State}\nstream: {stream.Info.State.Messages} messages, last {stream.Info.State.LastSeq}\n" +
                    string.Join('\n', CapturingLoggerProvider.Instance.Entries.Where(e => e.Category.StartsWith("Consumers.Nats", StringComparison.Ordinal) || e.Category.StartsWith("NATS", StringComparison.Ordinal)).Select(e => $"{e.Level} {e.Category}: {e.Message}")));
            }
            await Task.WhenAll(hostA.Layer().ReplayTask, hostB.Layer().ReplayTask);

            Assert.That(received, Is.EqualTo(lines.Expected), "every message once, in the order sent");
            var barrier = await b.RequestAsync("""{"action": "channel", "request_id": "barrier"}""");
            Assert.That(barrier["request_id"]?.GetValue<string>(), Is.EqualTo("barrier"), "no duplicate after the 180th: " + barrier.ToJsonString());
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(store, recursive: true);
        }
    }

    [Test]
    public async Task AfterTheServerReturns_TheNodeReconnectsWithin250Milliseconds()
    {
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartAsync(port: port);
        try
        {
            await using var host = await NatsHosts.StartAsync(server.Url);
            var connection = host.Layer().Connection;
            var measured = new List<double>();
            for (var restart = 0; restart < 3; restart++)
            {
                await server.KillAsync();
                await server.DisposeAsync();
                await Eventually.WaitUntilAsync(() => connection.ConnectionState != NatsConnectionState.Open);
                await Task.Delay(500);

                var opened = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                ValueTask OnOpened(object? sender, NatsEventArgs args)
                {
                    opened.TrySetResult(Stopwatch.GetTimestamp());
                    return ValueTask.CompletedTask;
                }

                connection.ConnectionOpened += OnOpened;

                // From the restart command: includes the server's own start-up (10-20 ms on loopback).
                var restarted = Stopwatch.GetTimestamp();
                server = await NatsServer.StartAsync(port: port);
                var at = await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
                connection.ConnectionOpened -= OnOpened;
                measured.Add(Stopwatch.GetElapsedTime(restarted, at).TotalMilliseconds);
            }

            TestContext.Out.WriteLine($"reconnect after the server's return: {string.Join(", ", measured.Select(m => $"{m:0} ms"))}");
            Assert.That(measured, Has.All.LessThan(250));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public async Task WhileDisconnected_SendsGoToTheOutbox_AndWhatDoesNotFit_FailsAtOnce_LoggedWithTheGroup_AndCounted()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await NatsHosts.StartAsync(server.Url, o => o.ReconnectBufferSize = 1000);
        using var failures = new LayerCounters("consumers.nats.publish_failed");
        var layer = host.Layer();
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);

        var held = layer.SendAsync("room:bounded", new GroupMessage(new byte[600]));
        var refused = layer.SendAsync("room:bounded", new GroupMessage(new byte[600])).AsTask();

        Assert.Multiple(() =>
        {
            Assert.That(held.IsCompletedSuccessfully, Is.True, "the first message fits the outbox: the sender goes on at once");
            Assert.That(layer.OutboxBytes, Is.GreaterThan(600).And.LessThanOrEqualTo(1000));
            Assert.That(refused.IsFaulted, Is.True, "the second one is refused at once, not after a wait");
            Assert.That(refused.Exception?.InnerException, Is.TypeOf<NatsGroupLayerUnavailableException>().With.Message.Contains("ReconnectBufferSize").And.Message.StartsWith("NATS is unreachable"));
            Assert.That(failures.Count("outbox_full"), Is.EqualTo(1));
            Assert.That(
                CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsPublishFailed" && e.Message.Contains("room:bounded", StringComparison.Ordinal)),
                Is.True,
                "logged with the group");
        });
    }

    [Test]
    public async Task AMessageThatWaitedLongerThanThePublishTimeout_IsDroppedWhenNatsReturns_LoggedAndCounted_AndTheNextOneGoes()
    {
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartAsync(port: port);
        try
        {
            await using var host = await NatsHosts.StartAsync(server.Url, o => o.PublishTimeout = TimeSpan.FromMilliseconds(300));
            using var failures = new LayerCounters("consumers.nats.publish_failed");
            var layer = host.Layer();
            await server.KillAsync();
            await server.DisposeAsync();
            await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);

            var watch = Stopwatch.StartNew();
            await layer.SendAsync("room:late", new GroupMessage("{}"u8.ToArray()));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(200)), "the sender did not wait for NATS");
            await Task.Delay(600);

            server = await NatsServer.StartAsync(port: port);
            await using var probe = new NatsConnection(NatsOpts.Default with { Url = server.Url });
            await using var sub = await probe.SubscribeCoreAsync<byte[]>("consumers.g.room:fresh");
            await probe.PingAsync();
            await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState == NatsConnectionState.Open, TimeSpan.FromSeconds(10));
            await layer.SendAsync("room:fresh", new GroupMessage("{\"fresh\":1}"u8.ToArray()));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var fresh = await sub.Msgs.ReadAsync(timeout.Token);

            await Eventually.WaitUntilAsync(() => failures.Count("expired") == 1);
            Assert.Multiple(() =>
            {
                Assert.That(fresh.Data, Is.EqualTo("{\"fresh\":1}"u8.ToArray()), "a message sent after the return goes");
                Assert.That(
                    CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsPublishFailed" && e.Message.Contains("room:late", StringComparison.Ordinal) && e.Exception?.Message.Contains("PublishTimeout", StringComparison.Ordinal) == true),
                    Is.True,
                    "logged with the group and the bound");
            });
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public async Task MessagesStillInTheOutboxWhenTheLayerStops_AreLoggedAndCounted()
    {
        await using var server = await NatsServer.StartAsync();
        var host = await NatsHosts.StartAsync(server.Url);
        using var failures = new LayerCounters("consumers.nats.publish_failed");
        var layer = host.Layer();
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);
        await layer.SendAsync("room:unsent", new GroupMessage("{}"u8.ToArray()));
        await layer.SendAsync("room:unsent", new GroupMessage("{}"u8.ToArray()));

        await host.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(failures.Count("stopped"), Is.EqualTo(2));
            Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsStoppedWithOutbox" && e.Message.Contains("2 messages", StringComparison.Ordinal)), Is.True);
        });
    }

    [Test]
    public async Task WithoutJetStream_TheLayerFallsBackToCoreNats_AndSaysAtStartUpThatOutagesLoseMessages()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/core"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/core"));

        Assert.Multiple(async () =>
        {
            Assert.That(hostA.Layer().ReplayEnabled, Is.False);
            Assert.That(
                CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsReplayUnavailable" && e.Message.Contains("at-most-once", StringComparison.Ordinal)),
                Is.True);
            Assert.That(await NatsHosts.ProbeUntilReceivedAsync(a, b), Does.StartWith("probe"), "core NATS still carries group messages");
        });
    }
}
