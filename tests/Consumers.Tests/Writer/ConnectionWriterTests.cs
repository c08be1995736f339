using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Consumers.Connections;
using Consumers.Tests.Infrastructure;

namespace Consumers.Tests.Writer;

/// <summary>
/// The connection's writer, driven without a socket (over an in-memory duplex stream): the ordering rule (a sender's
/// frames leave in the order it sent them; a reply leaves before the deliveries its action caused), the batching bounds
/// of one transport write (64 frames, 32 KiB), <c>consumers.batch</c> array frames, a full send queue, and a close that
/// races the senders.
/// </summary>
public sealed class ConnectionWriterTests
{
    // A small frame's WebSocket header: 2 bytes (payload under 126 bytes, server frames are not masked).
    private const int SmallHeader = 2;

    private static string Line(int sender, int seq) => $"{{\"s\":{sender},\"n\":{seq}}}";

    [Test]
    public async Task QueuedFrames_LeaveInWritesOfAtMost64Frames_InOrder()
    {
        await using var harness = new WriterHarness();
        var lines = Enumerable.Range(0, 100).Select(i => Line(0, i)).ToArray();
        foreach (var line in lines)
        {
            Assert.That(harness.Send(line), Is.True);
        }

        harness.Start();
        foreach (var line in lines)
        {
            Assert.That(await harness.ReceiveAsync(), Is.EqualTo(line));
        }

        // Waiting before the start, all 100 were queued: one write of the first 64 frames, one of the other 36.
        var writes = harness.Recorded.Writes.ToArray();
        Assert.That(writes, Is.EqualTo(new[]
        {
            lines.Take(64).Sum(l => l.Length + SmallHeader),
            lines.Skip(64).Sum(l => l.Length + SmallHeader),
        }));
    }

    [Test]
    public async Task Backlog_IsTheFullerOfFramesAndBytesWaiting_AndFallsAsTheyAreWritten()
    {
        await using var harness = new WriterHarness(queueCapacity: 10, queueMaxBytes: 4096);
        Assert.That(harness.Writer.Backlog, Is.Zero, "nothing waits");
        for (var i = 0; i < 4; i++)
        {
            harness.Send(Line(0, i));
        }

        Assert.That(harness.Writer.Backlog, Is.EqualTo(0.4).Within(1e-9), "4 of 10 frames (their bytes are fewer)");
        harness.Send("{\"p\":\"" + new string('x', 2000) + "\"}");
        Assert.That(harness.Writer.Backlog, Is.GreaterThan(0.5), "the bytes are now the fuller bound");

        harness.Start();
        for (var i = 0; i < 5; i++)
        {
            await harness.ReceiveAsync();
        }

        await Eventually.WaitUntilAsync(() => harness.Writer.Backlog == 0);
    }

    [Test]
    public async Task Backlog_CountsTheDeliveriesHeldForARunningAction()
    {
        await using var harness = new WriterHarness(queueCapacity: 10);
        harness.Writer.HoldDeliveries();
        for (var i = 0; i < 3; i++)
        {
            harness.SendDelivery(Line(0, i));
        }

        Assert.That(harness.Writer.Backlog, Is.EqualTo(0.3).Within(1e-9));
    }

    [Test]
    public async Task QueuedLargeFrames_LeaveInWritesOfAtMost32KiB()
    {
        await using var harness = new WriterHarness();
        var payload = "{\"p\":\"" + new string('x', 994) + "\"}";
        Assert.That(payload, Has.Length.EqualTo(1002));
        for (var i = 0; i < 40; i++)
        {
            harness.Send(payload);
        }

        harness.Start();
        for (var i = 0; i < 40; i++)
        {
            Assert.That(await harness.ReceiveAsync(), Is.EqualTo(payload));
        }

        // 1,006 bytes a frame (4-byte header): 32 fit in 32 KiB, the other 8 go in a second write.
        var writes = harness.Recorded.Writes.ToArray();
        Assert.That(writes, Is.EqualTo(new[] { 32 * 1006, 8 * 1006 }));
        Assert.That(writes, Has.All.LessThanOrEqualTo(SendQueue.MaxWriteBytes));
    }

    [Test]
    public async Task BatchClient_QueuedEnvelopes_LeaveAsOneJsonArrayFrame_ALoneEnvelopeAsItself()
    {
        await using var harness = new WriterHarness(batchEnvelopes: true);
        for (var i = 0; i < 5; i++)
        {
            harness.Send(Line(0, i));
        }

        harness.Start();
        var array = JsonNode.Parse((await harness.ReceiveAsync())!)!.AsArray();
        Assert.That(array.Select(e => e!["n"]!.GetValue<int>()), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));

        // Nothing waits now: the next envelope leaves at once, as itself.
        harness.Send(Line(0, 5));
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo(Line(0, 5)));
    }

    [Test]
    public async Task ConcurrentSenders_OverASlowTransport_EachSendersFramesArriveInOrder()
    {
        // Every write completes asynchronously, so senders find the stream busy, queue, and then race the writer loop
        // for the stream: a frame written directly while older ones still wait would arrive before them.
        await using var harness = new WriterHarness(queueCapacity: 100_000, queueMaxBytes: 64 * 1024 * 1024, slowWrites: true);
        harness.Start();
        const int Senders = 4;
        const int PerSender = 2000;
        var receiving = Task.Run(async () =>
        {
            var next = new int[Senders];
            for (var i = 0; i < Senders * PerSender; i++)
            {
                var line = JsonNode.Parse((await harness.ReceiveAsync())!)!;
                var sender = line["s"]!.GetValue<int>();
                Assert.That(line["n"]!.GetValue<int>(), Is.EqualTo(next[sender]), $"sender {sender}'s frames out of order");
                next[sender]++;
            }

            return next;
        });

        using var start = new Barrier(Senders);
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var n = 0; n < PerSender; n++)
            {
                Assert.That(harness.Send(Line(s, n)), Is.True);
            }
        })));

        Assert.That(await receiving, Has.All.EqualTo(PerSender));
        Assert.That(harness.Recorded.Writes, Has.Count.LessThan(Senders * PerSender), "some frames were batched");
    }

    [Test]
    public async Task DeliveriesDuringAnAction_LeaveAfterItsReply_InTheOrderTheyArrived()
    {
        await using var harness = new WriterHarness();
        harness.Start();

        harness.Writer.HoldDeliveries();
        Assert.That(harness.SendDelivery("{\"notification\":1}"), Is.True);
        await Task.Run(() => harness.SendDelivery("{\"notification\":2}"));
        harness.Send("{\"reply\":true}");
        harness.Writer.ReleaseDeliveries();
        harness.SendDelivery("{\"notification\":3}");

        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"reply\":true}"));
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"notification\":1}"));
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"notification\":2}"));
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"notification\":3}"));
    }

    [Test]
    public async Task DeliveriesOutsideAnAction_LeaveAsTheyArrive()
    {
        await using var harness = new WriterHarness();
        harness.Start();
        harness.SendDelivery("{\"notification\":1}");
        harness.Send("{\"reply\":true}");
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"notification\":1}"));
        Assert.That(await harness.ReceiveAsync(), Is.EqualTo("{\"reply\":true}"));
    }

    [Test]
    public async Task DeliveriesHeldPastTheQueueBound_CloseTheConnectionWith1008()
    {
        await using var harness = new WriterHarness(queueCapacity: 4);
        harness.Start();
        harness.Writer.HoldDeliveries();
        for (var i = 0; i < 4; i++)
        {
            Assert.That(harness.SendDelivery(Line(0, i)), Is.True);
        }

        Assert.That(harness.SendDelivery(Line(0, 4)), Is.False);
        Assert.That(harness.Lifetime.CloseRequested, Is.True);
        Assert.That(harness.Lifetime.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        harness.Writer.ReleaseDeliveries();
    }

    [Test]
    public async Task FullSendQueue_ClosesThatConnectionWith1008_AnotherConnectionGetsEveryFrame()
    {
        // The stalled client never reads: its transport takes 4 KiB, then every write waits.
        await using var stalled = new WriterHarness(queueCapacity: 16, pauseBytes: 4 * 1024);
        await using var reading = new WriterHarness(queueCapacity: 100_000, pauseBytes: 4 * 1024);
        stalled.Start();
        reading.Start();
        var payload = "{\"p\":\"" + new string('x', 200) + "\"}";
        var received = Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                Assert.That(await reading.ReceiveAsync(), Is.EqualTo(payload));
            }
        });

        var dropped = 0;
        for (var i = 0; i < 500; i++)
        {
            if (!stalled.Send(payload))
            {
                dropped++;
            }

            Assert.That(reading.Send(payload), Is.True);
        }

        Assert.That(dropped, Is.GreaterThan(0));
        Assert.That(stalled.Lifetime.CloseRequested, Is.True);
        Assert.That(stalled.Lifetime.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        await received.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(reading.Lifetime.CloseRequested, Is.False);
    }

    [Test]
    public async Task CloseRacingSenders_FramesBeforeTheCloseFrameArriveInOrder_NothingAfterIt()
    {
        await using var harness = new WriterHarness(queueCapacity: 100_000, queueMaxBytes: 64 * 1024 * 1024, slowWrites: true);
        harness.Start();
        const int Senders = 3;
        var accepted = new int[Senders];
        using var start = new Barrier(Senders + 1);
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var n = 0; n < 5000; n++)
            {
                if (harness.Send(Line(s, n)))
                {
                    accepted[s]++;
                }
            }
        })).ToArray();

        start.SignalAndWait();
        await Task.Delay(5);
        var closing = harness.CloseAsync();

        var next = new int[Senders];
        while (await harness.ReceiveAsync() is { } text)
        {
            var line = JsonNode.Parse(text)!;
            var sender = line["s"]!.GetValue<int>();
            Assert.That(line["n"]!.GetValue<int>(), Is.EqualTo(next[sender]), $"sender {sender}'s frames out of order");
            next[sender]++;
        }

        await closing.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.WhenAll(senders);
        Assert.That(harness.Client.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));

        // Every frame accepted before the close was written before the close frame; the rest were refused.
        Assert.That(next, Is.EqualTo(accepted));
        Assert.That(harness.Send("{\"late\":true}"), Is.False);
    }
}
