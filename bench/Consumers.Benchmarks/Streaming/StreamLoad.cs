namespace Consumers.Benchmarks.Streaming;

/// <summary>One streaming load: how many streams run at once on the connection, the items' size, and whether the producer has them ready.</summary>
/// <param name="Name">What the report calls it.</param>
/// <param name="Streams">Concurrent streams on the one connection; each gets an equal share of the run's items per call.</param>
/// <param name="TextBytes">Length of each item's text (the item's JSON is about 22 bytes more).</param>
/// <param name="YieldEachItem">Whether the producer awaits before each item (<see cref="ItemSource.Produce"/>).</param>
internal sealed record StreamLoad(string Name, int Streams, int TextBytes, bool YieldEachItem)
{
    /// <summary>The loads of issue 24: small items read as they come, 1 KB items, 10 streams at once, and a producer that is never ahead.</summary>
    public static IReadOnlyList<StreamLoad> IssueLoads { get; } =
    [
        new("one stream, small items, producer always ready", Streams: 1, TextBytes: 8, YieldEachItem: false),
        new("one stream, 1 KB items", Streams: 1, TextBytes: 1000, YieldEachItem: false),
        new("10 concurrent streams on one connection, small items", Streams: 10, TextBytes: 8, YieldEachItem: false),
        new("one stream, small items, producer awaits before each item", Streams: 1, TextBytes: 8, YieldEachItem: true),
    ];
}
