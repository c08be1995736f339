using System.Diagnostics;

namespace Consumers.Benchmarks;

/// <summary>Round trips through the server, one at a time: request → responder → echo to the requester's inbox.</summary>
internal sealed record RequestLatency(int PayloadSize, double[] RoundTripsMicroseconds)
{
    public int Count => RoundTripsMicroseconds.Length;

    public double P50 => Percentiles.Of(RoundTripsMicroseconds, 50);

    public double P90 => Percentiles.Of(RoundTripsMicroseconds, 90);

    public double P99 => Percentiles.Of(RoundTripsMicroseconds, 99);

    /// <summary>Sequential round trips per second over the recorded ones.</summary>
    public double RoundTripsPerSecond => Count / (RoundTripsMicroseconds.Sum() / 1e6);

    /// <summary>
    /// <paramref name="warmUp"/> unrecorded round trips, then up to <paramref name="count"/> recorded ones, stopping
    /// early at <paramref name="timeLimit"/>. Each waits at most 5 s for its echo.
    /// </summary>
    public static async Task<RequestLatency> MeasureAsync(string url, int payloadSize, int warmUp, int count, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var subject = "bench.echo." + id;
        var inbox = "bench.inbox." + id;
        var payload = NatsClients.Payload(payloadSize);
        await using var responder = await CoreNatsConnection.ConnectAsync(url, "bench-responder", cancellationToken).ConfigureAwait(false);
        await using var requester = await CoreNatsConnection.ConnectAsync(url, "bench-requester", cancellationToken).ConfigureAwait(false);

        await responder.SubscribeAsync(subject, (replyTo, data) =>
        {
            // Runs on the responder's read loop (or reader task); the publish only formats into the writer's buffer.
            var pending = responder.PublishAsync(replyTo!, data, null, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.AsTask();
            }
        }, cancellationToken).ConfigureAwait(false);

        TaskCompletionSource? waiter = null;
        await requester.SubscribeAsync(inbox, (_, _) => Volatile.Read(ref waiter)?.TrySetResult(), cancellationToken).ConfigureAwait(false);
        await responder.FlushAsync(cancellationToken).ConfigureAwait(false);
        await requester.FlushAsync(cancellationToken).ConfigureAwait(false);

        var samples = new List<double>(count);
        var started = Stopwatch.StartNew();
        for (var i = 0; i < warmUp + count && started.Elapsed < timeLimit; i++)
        {
            // Continuations off the read loop, as an application awaiting a reply would have them.
            var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref waiter, echo);
            var sent = Stopwatch.GetTimestamp();
            await requester.PublishAsync(subject, payload, inbox, cancellationToken).ConfigureAwait(false);
            await echo.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(sent);
            if (i >= warmUp)
            {
                samples.Add(elapsed.TotalMicroseconds);
            }
        }

        return new RequestLatency(payloadSize, [.. samples]);
    }
}
