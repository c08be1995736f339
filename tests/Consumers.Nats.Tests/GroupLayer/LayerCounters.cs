using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>Counts one counter of the <c>Consumers</c> meter while alive, by its <c>reason</c> tag ("" without one).</summary>
internal sealed class LayerCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public LayerCounters(string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "Consumers" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string ?? "";
                }
            }

            _counts.AddOrUpdate(reason, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>The measurements with this reason.</summary>
    public long Count(string reason) => _counts.GetValueOrDefault(reason);

    /// <summary>All measurements.</summary>
    public long Total => _counts.Values.Sum();

    public void Dispose() => _listener.Dispose();
}
