using System.Diagnostics;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// One run against a fresh server process. Throughput: one client connection; each of the load's streams is a lane
/// that calls the streaming action again as soon as its previous call ended, for the warm-up, then (once the server
/// idles) for the measured time. Latency: two connections; a slow concurrent action on one, quick requests on both.
/// </summary>
internal static class StreamTrial
{
    public static async Task<StreamResult> RunAsync(StreamTarget target, StreamLoad load, int round, StreamSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(StreamReport.Name(target), StreamServer.Arguments(target, null), null, cancellationToken).ConfigureAwait(false);
        await using var client = await StreamClient.ConnectAsync(target, server.Port, cancellationToken).ConfigureAwait(false);
        var perStream = settings.Items / load.Streams;
        await RunLanesAsync(client, load, perStream, settings.WarmupDuration, settings, cancellationToken).ConfigureAwait(false);

        // The JIT compiles the methods the warm-up made hot on a background thread, after a delay: measured from here,
        // its work would count as the load's. Wait until the server idles.
        // The first request to the allocation probe warms up its HTTP path; the second is the baseline.
        await server.AllocationsAsync(cancellationToken).ConfigureAwait(false);
        var settled = await server.WaitUntilQuietAsync(settings.SettleTimeout, cancellationToken).ConfigureAwait(false);
        var allocationsBefore = await server.AllocationsAsync(cancellationToken).ConfigureAwait(false);
        client.ResetCounters();
        var cpuBefore = server.CpuSeconds();
        var switchesBefore = server.ContextSwitchesByThread();
        var stealBefore = ProcStat.HostStealSeconds();
        var clientCpuBefore = ProcStat.CpuSecondsOf("self");
        var started = Stopwatch.GetTimestamp();
        var outcomes = await RunLanesAsync(client, load, perStream, settings.MeasuredDuration, settings, cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = server.CpuSeconds() - cpuBefore;
        var switches = server.ContextSwitchesSince(switchesBefore);
        var steal = ProcStat.HostStealSeconds() - stealBefore;
        var clientCpu = ProcStat.CpuSecondsOf("self") - clientCpuBefore;
        var allocations = (await server.AllocationsAsync(cancellationToken).ConfigureAwait(false)).Since(allocationsBefore);
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        return new StreamResult(
            target,
            load,
            round,
            outcomes.Count,
            (long)outcomes.Count(o => !o.Refused) * perStream,
            outcomes.Sum(o => o.Items),
            outcomes.Sum(o => o.OutOfOrder),
            failed.Count(o => !o.Refused),
            failed.Count(o => o.Refused),
            failed.FirstOrDefault()?.Error,
            seconds,
            cpu,
            clientCpu,
            switches,
            allocations,
            client.Bytes,
            client.Frames,
            server.StatusKiB("VmHWM"),
            settled,
            steal,
            client.SampleItem);
    }

    // Each lane calls again as soon as its call ended, until the time is up; a call refused for too many running
    // streams (a lane's next call can reach the server before its previous one has left its place) is counted and tried again.
    private static async Task<List<CallOutcome>> RunLanesAsync(StreamClient client, StreamLoad load, int perStream, TimeSpan duration, StreamSettings settings, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var lanes = await Task.WhenAll(Enumerable.Range(0, load.Streams).Select(async _ =>
        {
            var outcomes = new List<CallOutcome>();
            do
            {
                var outcome = await client.StreamAsync(perStream, load.TextBytes, load.YieldEachItem, settings.CallTimeout, cancellationToken).ConfigureAwait(false);
                outcomes.Add(outcome);
                if (outcome.Error is not null && !outcome.Refused)
                {
                    break;
                }
            }
            while (Stopwatch.GetTimestamp() < until);
            return outcomes;
        })).ConfigureAwait(false);
        return [.. lanes.SelectMany(l => l)];
    }

    /// <summary>
    /// Connections A and B to a fresh server (SignalR with <see cref="StreamSettings.SignalRParallelInvocations"/>
    /// parallel invocations per client). A warm-up of quick requests on both and a short slow action on A; then the
    /// slow action for <see cref="StreamSettings.SlowDuration"/> on A, and, while it runs, quick requests one at a time
    /// alternating between A (busy) and B (idle), which of the two goes first alternating too.
    /// </summary>
    public static async Task<LatencyResult> RunLatencyAsync(StreamTarget target, int round, StreamSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(StreamReport.Name(target), StreamServer.Arguments(target, settings.SignalRParallelInvocations), null, cancellationToken).ConfigureAwait(false);
        await using var busy = await StreamClient.ConnectAsync(target, server.Port, cancellationToken).ConfigureAwait(false);
        await using var idle = await StreamClient.ConnectAsync(target, server.Port, cancellationToken).ConfigureAwait(false);
        var timeout = settings.CallTimeout;

        // Warm-up: the quick path on both connections, and the quick path beside a running slow action.
        var warmSlow = busy.SlowAsync(300, timeout, cancellationToken);
        for (var i = 0; i < 500; i++)
        {
            await (i % 2 == 0 ? busy : idle).EchoAsync(timeout, cancellationToken).ConfigureAwait(false);
        }

        await warmSlow.ConfigureAwait(false);
        await server.WaitUntilQuietAsync(settings.SettleTimeout, cancellationToken).ConfigureAwait(false);

        var slow = busy.SlowAsync((int)settings.SlowDuration.TotalMilliseconds, timeout + settings.SlowDuration, cancellationToken);

        // Let the slow action start (its request read and dispatched) before the first quick request.
        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        var idleTimes = new List<double>();
        var busyTimes = new List<CallOutcome>();
        string? error = null;
        for (var i = 0; i < settings.LatencyRequests && error is null; i++)
        {
            foreach (var onBusy in i % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var outcome = await (onBusy ? busy : idle).EchoAsync(timeout, cancellationToken).ConfigureAwait(false);
                error ??= outcome.Error;
                if (outcome.Error is not null)
                {
                    // Not answered: no round trip to count; the error is reported.
                    break;
                }

                if (onBusy)
                {
                    busyTimes.Add(outcome);
                }
                else
                {
                    idleTimes.Add(outcome.RoundTripMicroseconds);
                }
            }
        }

        var slowOutcome = await slow.ConfigureAwait(false);
        error ??= slowOutcome.Error;
        return new LatencyResult(
            target,
            round,
            [.. idleTimes],
            [.. busyTimes.Select(o => o.RoundTripMicroseconds)],
            busyTimes.Count(o => slowOutcome.Error is null && o.CompletedAt < slowOutcome.CompletedAt),
            slowOutcome.RoundTripMicroseconds / 1e6,
            error);
    }
}
