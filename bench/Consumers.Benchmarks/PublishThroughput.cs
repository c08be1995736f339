using System.Diagnostics;

namespace Consumers.Benchmarks;

/// <summary>One repetition of the client's publish throughput: with a counting subscriber (1 → 1) or without one.</summary>
internal sealed record PublishThroughput(int PayloadSize, int Sent, long Received, TimeSpan PublishLoop, TimeSpan PublishAndFlush, TimeSpan EndToEnd)
{
    /// <summary>Messages the publisher handed to the client per second, until the PONG after the last one.</summary>
    public double PublishRate => Sent / PublishAndFlush.TotalSeconds;

    /// <summary>Messages received per second, first publish to last message received.</summary>
    public double ReceiveRate => Received / EndToEnd.TotalSeconds;

    public double ReceiveMegabytesPerSecond => ReceiveRate * PayloadSize / 1e6;

    public long Lost => Sent - Received;

    /// <summary>
    /// Publishes <paramref name="count"/> messages as fast as the client accepts them (awaiting only when the client
    /// applies back-pressure) and, with a subscriber, waits for it to count them all. Bounded by
    /// <paramref name="timeLimit"/> for publishing and again for receiving.
    /// </summary>
    public static async Task<PublishThroughput> MeasureAsync(string url, int payloadSize, int count, bool withSubscriber, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var subject = "bench.throughput." + Guid.NewGuid().ToString("N");
        var payload = NatsClients.Payload(payloadSize);
        await using var publisher = await CoreNatsConnection.ConnectAsync(url, "bench-publisher", cancellationToken).ConfigureAwait(false);
        CoreNatsConnection? subscriber = null;
        long received = 0;
        long lastReceived = 0;
        try
        {
            if (withSubscriber)
            {
                subscriber = await CoreNatsConnection.ConnectAsync(url, "bench-subscriber", cancellationToken).ConfigureAwait(false);
                await subscriber.SubscribeAsync(subject, (_, _) =>
                {
                    // The handler runs on the subscriber's read loop only: plain writes would do, but the waiting
                    // thread reads both, so publish them in this order.
                    Volatile.Write(ref lastReceived, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref received);
                }, cancellationToken).ConfigureAwait(false);
                await subscriber.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var start = Stopwatch.GetTimestamp();
            var deadline = start + (long)(timeLimit.TotalSeconds * Stopwatch.Frequency);
            var sent = 0;
            while (sent < count)
            {
                var pending = publisher.PublishAsync(subject, payload, null, cancellationToken);
                if (!pending.IsCompletedSuccessfully)
                {
                    await pending.ConfigureAwait(false);
                }

                sent++;
                if ((sent & 4095) == 0 && Stopwatch.GetTimestamp() > deadline)
                {
                    break;
                }
            }

            var published = Stopwatch.GetTimestamp();
            using (var flushLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                flushLimit.CancelAfter(timeLimit);
                await publisher.FlushAsync(flushLimit.Token).ConfigureAwait(false);
            }

            var flushed = Stopwatch.GetTimestamp();
            var endToEnd = TimeSpan.Zero;
            if (withSubscriber)
            {
                await WaitForAsync(() => Interlocked.Read(ref received) >= sent, timeLimit, cancellationToken).ConfigureAwait(false);
                endToEnd = Stopwatch.GetElapsedTime(start, Volatile.Read(ref lastReceived));
            }

            return new PublishThroughput(
                payloadSize,
                sent,
                withSubscriber ? Interlocked.Read(ref received) : sent,
                Stopwatch.GetElapsedTime(start, published),
                Stopwatch.GetElapsedTime(start, flushed),
                endToEnd);
        }
        finally
        {
            if (subscriber is not null)
            {
                await subscriber.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Polls until <paramref name="done"/> or the time limit; the result's end time comes from the handler, so the poll interval does not bias it.</summary>
    private static async Task WaitForAsync(Func<bool> done, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!done() && waited.Elapsed < timeLimit)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }
}
