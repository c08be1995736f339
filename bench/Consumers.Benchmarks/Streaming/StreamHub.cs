using Microsoft.AspNetCore.SignalR;

namespace Consumers.Benchmarks.Streaming;

/// <summary>The SignalR side of <see cref="StreamConsumer"/>: the same three methods on a hub.</summary>
public sealed class StreamHub : Hub
{
    /// <summary>A streaming hub method returning the same <see cref="IAsyncEnumerable{T}"/> (SignalR passes the stream's token to its enumerator).</summary>
    public IAsyncEnumerable<StreamItem> Items(int count, int textBytes, bool yieldEach) => ItemSource.Produce(count, textBytes, yieldEach);

    /// <summary>Answers <paramref name="ms"/> after <paramref name="ms"/> milliseconds.</summary>
    public async Task<int> Slow(int ms)
    {
        await Task.Delay(ms);
        return ms;
    }

    /// <summary>Answers <paramref name="n"/>.</summary>
    public int Echo(int n) => n;
}
