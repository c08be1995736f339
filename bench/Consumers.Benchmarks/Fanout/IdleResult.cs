namespace Consumers.Benchmarks.Fanout;

/// <summary>Server memory with idle connections: resident set before and after, and the difference per connection.</summary>
internal sealed record IdleResult(FanoutTarget Target, int Round, int Connections, long RssBeforeKiB, long RssAfterKiB, long PeakRssKiB)
{
    public double KiBPerConnection => (double)(RssAfterKiB - RssBeforeKiB) / Connections;
}
