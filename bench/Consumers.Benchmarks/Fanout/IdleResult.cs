namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Server memory with idle connections, before they connect (after one warm connection) and after: the resident set
/// with no collection forced (as the earlier runs measured it) and again after the managed probe's forced full
/// collection, and the managed heap after that collection; each difference per connection.
/// </summary>
/// <param name="RssBeforeKiB">VmRSS before the connections, no collection forced.</param>
/// <param name="RssAfterKiB">VmRSS after the connections and the settling time, no collection forced.</param>
/// <param name="CollectedRssBeforeKiB">VmRSS right after <paramref name="ManagedBefore"/>'s forced collection.</param>
/// <param name="CollectedRssAfterKiB">VmRSS right after <paramref name="ManagedAfter"/>'s forced collection.</param>
/// <param name="ManagedBefore">The server's managed memory before the connections (after a forced full collection).</param>
/// <param name="ManagedAfter">The same after the connections.</param>
/// <param name="PeakRssKiB">VmHWM at the end.</param>
/// <param name="ServerProcessors">The server runtime's <see cref="Environment.ProcessorCount"/>.</param>
internal sealed record IdleResult(
    FanoutTarget Target,
    int Round,
    int Connections,
    long RssBeforeKiB,
    long RssAfterKiB,
    long CollectedRssBeforeKiB,
    long CollectedRssAfterKiB,
    ManagedMemory ManagedBefore,
    ManagedMemory ManagedAfter,
    long PeakRssKiB,
    int ServerProcessors)
{
    /// <summary>Resident-set growth per connection, no collection forced (garbage not yet collected counts): the earlier runs' figure.</summary>
    public double KiBPerConnection => (double)(RssAfterKiB - RssBeforeKiB) / Connections;

    /// <summary>Resident-set growth per connection, each side measured right after a forced full collection.</summary>
    public double CollectedKiBPerConnection => (double)(CollectedRssAfterKiB - CollectedRssBeforeKiB) / Connections;

    /// <summary>Live managed bytes (<see cref="GC.GetTotalMemory(bool)"/>, collected) per connection, in KiB.</summary>
    public double ManagedKiBPerConnection => (ManagedAfter.LiveBytes - ManagedBefore.LiveBytes) / 1024.0 / Connections;

    /// <summary>GC heap size growth (<see cref="GCMemoryInfo.HeapSizeBytes"/> after the collection) per connection, in KiB.</summary>
    public double HeapKiBPerConnection => (ManagedAfter.HeapSizeBytes - ManagedBefore.HeapSizeBytes) / 1024.0 / Connections;
}
