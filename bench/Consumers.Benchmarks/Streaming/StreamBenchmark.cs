using System.Globalization;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// Runs the stream benchmark round by round: for each load the targets alternate, then the latency runs of the targets
/// that have a server of their own; the order rotates from round to round, so that drift of the shared machine spreads
/// over all of them.
/// </summary>
internal static class StreamBenchmark
{
    public static async Task<(List<StreamResult> Streams, List<LatencyResult> Latency)> RunAsync(StreamSettings settings, CancellationToken cancellationToken)
    {
        var targets = settings.Targets.ToArray();

        // The batching subprotocol changes how items leave, not how a request is answered: the latency runs skip it.
        var latencyTargets = settings.Latency ? targets.Where(t => t != StreamTarget.ConsumersBatch).ToArray() : [];
        var streams = new List<StreamResult>();
        var latency = new List<LatencyResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var load in settings.Loads)
            {
                foreach (var target in RoundOrder.Rotate(targets, round))
                {
                    var r = await StreamTrial.RunAsync(target, load, round, settings, cancellationToken).ConfigureAwait(false);
                    var error = r.FirstError is { } e ? ", first error: " + e : string.Empty;
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {load.Name} {target}: {r.ItemsPerSecond:N0} items/s, {r.CpuMicrosecondsPerItem:N3} µs CPU/item, {r.ContextSwitchesPerItem:N3} context switches/item, {r.AllocatedBytesPerItem:N0} B allocated/item, {r.ServerAllocations.Gen0} gen0 GCs, {r.BytesPerItem:N1} B/item, {r.ItemsPerFrame:N1} items/frame, {r.Calls} calls, lost {r.Lost}, out of order {r.OutOfOrder}, failed {r.Failed}, refused {r.Refused}, settled in {r.SettleSeconds:N1} s, host steal {r.HostStealShare:P0}{error}"));
                    streams.Add(r);
                }
            }

            foreach (var target in RoundOrder.Rotate(latencyTargets, round))
            {
                var r = await StreamTrial.RunLatencyAsync(target, round, settings, cancellationToken).ConfigureAwait(false);
                var error = r.Error is { } e ? "; error: " + e : string.Empty;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round} latency {target}: idle p50 {r.IdleP50:N0} µs p99 {r.IdleP99:N0} µs; beside the slow action p50 {r.BusyP50:N0} µs p99 {r.BusyP99:N0} µs max {r.BusyMax:N0} µs; {r.AnsweredWhileSlowRan} of {r.BusyMicroseconds.Length} answered while it ran; it took {r.SlowSeconds:N2} s{error}"));
                latency.Add(r);
            }
        }

        return (streams, latency);
    }
}
