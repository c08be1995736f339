using System.Net.WebSockets;
using System.Text;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Hostile;

/// <summary>
/// The send queue's byte bound measured as the audit measured it: the server process's managed memory before, at the
/// highest point during, and after an attack by clients that stop reading while asking for large replies (before the
/// bound, two such sockets made the server hold about a gigabyte, kept after they disconnected).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MemoryBoundTests
{
    [Test]
    public async Task ClientsThatStopReading_HoldAtMostTheirSendQueueBound_AndNothingAccumulatesAcrossAttacks()
    {
        const int attackers = 2;
        const int requestsPerAttacker = 400;
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<EchoConsumer>("/ws/echo"),
            o => o.RateLimitPerSecond = 0,
            services => services.AddScoped<Counter>());
        await using var bystander = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        await bystander.RequestAsync("""{"action": "add", "a": 1, "b": 1}""");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Each request's reply is 32 KB: 400 of them are 12.8 MB per attacker unbounded, 1 MiB + TCP buffers bounded.
        var request = Encoding.UTF8.GetBytes($$"""{"action": "echo", "text": "{{new string('z', 32_000)}}"}""");
        using var sampling = new CancellationTokenSource();
        var peak = 0L;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
                await Task.Delay(20);
            }
        });

        // Five rounds: what the first ones leave behind is pooled buffers (Kestrel's, and ArrayPool's per thread and per
        // core, which fill as the thread pool's threads take turns: in a full test run the plateau comes after round 2
        // or 3), which later rounds reuse; the last rounds must add nothing.
        var afterRounds = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var closedBefore = CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull");
            await Task.WhenAll(Enumerable.Range(0, attackers).Select(_ => AttackAsync(host.WebSocketUri("/ws/echo"), request, requestsPerAttacker)));
            await Eventually.WaitUntilAsync(() => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull") >= closedBefore + attackers);
            afterRounds.Add(GC.GetTotalMemory(forceFullCollection: true) - before);
        }

        sampling.Cancel();
        await sampler;

        // The bound per attacker is SendQueueMaxBytes (1 MiB) plus what is being read (the read-ahead of at most 32
        // messages, here 32 KB each, and the receive buffer); pooled buffers account for the rest of the slack.
        // Without the byte bound the two attackers' queues alone hold 25.6 MB, and each round would add its own.
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.LessThan(16L * 1024 * 1024), $"highest growth during the attacks: {peak / 1024} KiB");
            Assert.That(afterRounds[4] - afterRounds[2], Is.LessThan(4L * 1024 * 1024), $"growth after each round, KiB: {string.Join(", ", afterRounds.Select(b => b / 1024))}");
        });
        Assert.That((await bystander.RequestAsync("""{"action": "add", "a": 2, "b": 2}"""))["data"]!.GetValue<int>(), Is.EqualTo(4));
    }

    [Test]
    public async Task TenThousandStreamsAtOnce_RunTheCap_AreRefusedWith429Past_AndHoldNoMoreThanTheConnectionsBound()
    {
        const int requests = 10_000;
        const int cap = 10;
        var log = new CallLog();
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<CallsConsumer>("/ws/calls"),
            o =>
            {
                // The refusals are answered faster than this client parses them: a queue that can hold them all (about
                // 1 MB of 429 envelopes) keeps the client from being closed as one that stopped reading.
                o.RateLimitPerSecond = 0;
                o.SendQueueCapacity = 16_384;
                o.SendQueueMaxBytes = 4 * 1024 * 1024;
            },
            services => services.AddSingleton(log).AddSingleton(new ActionGate()));
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/calls"));
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Sent without waiting for replies; the replies (the running streams' items and the refusals) are read alongside.
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < requests; i++)
            {
                await client.SendAsync($$"""{"action": "forever", "name": "s", "request_id": {{i}}}""");
            }
        });
        var refused = 0;
        var streaming = new HashSet<int>();
        var peak = 0L;
        while (refused + streaming.Count < requests)
        {
            var frame = await client.ReceiveAsync();
            var id = frame["request_id"]!.GetValue<int>();
            switch (frame["response_status"]!.GetValue<int>())
            {
                case 429:
                    refused++;
                    if (refused % 1000 == 0)
                    {
                        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
                    }

                    break;
                case 200:
                    streaming.Add(id);
                    break;
                default:
                    Assert.Fail($"unexpected frame {frame.ToJsonString()}");
                    break;
            }

            if (refused + cap == requests && streaming.Count == cap)
            {
                break;
            }
        }

        await sending;
        Assert.Multiple(() =>
        {
            Assert.That(streaming, Has.Count.EqualTo(cap), "the first streams run");
            Assert.That(refused, Is.EqualTo(requests - cap), "every other request is refused with 429");
            Assert.That(log.Count("s:start"), Is.EqualTo(cap), "a refused stream never starts");

            // The connection's bound: its send queue (4 MiB here), the read-ahead (32 messages), and what each of the ten
            // streams holds; pooled buffers make up the slack.
            Assert.That(peak, Is.LessThan(12L * 1024 * 1024), $"highest growth: {peak / 1024} KiB");
        });
    }

    private static async Task AttackAsync(Uri uri, byte[] request, int requests)
    {
        var attacker = new ClientWebSocket();
        await attacker.ConnectAsync(uri, CancellationToken.None);
        try
        {
            // Never reads: replies fill the TCP buffers, then the server's send queue, until the server closes it.
            for (var i = 0; i < requests; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await attacker.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The server closed or aborted the attacker.
        }
        finally
        {
            attacker.Abort();
            attacker.Dispose();
        }
    }
}
