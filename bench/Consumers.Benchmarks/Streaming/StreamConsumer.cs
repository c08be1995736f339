namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// The Consumers side: a streaming action returning <see cref="ItemSource.Produce"/>, a slow concurrent action and a
/// quick ordered one, as an app writes them.
/// </summary>
[JsonContext(typeof(StreamJson))]
public sealed partial class StreamConsumer : Consumer
{
    /// <summary>Streams <paramref name="count"/> items (<c>{"action":"items","count":100000,"text_bytes":8,"yield_each":false}</c>).</summary>
    [Action]
    public IAsyncEnumerable<StreamItem> Items(int count, int textBytes, bool yieldEach) => ItemSource.Produce(count, textBytes, yieldEach);

    /// <summary>Answers <paramref name="ms"/> after <paramref name="ms"/> milliseconds, while the connection goes on (<c>{"action":"slow","ms":10000}</c>).</summary>
    [Action(Concurrent = true)]
    public async Task<int> Slow(int ms)
    {
        await Task.Delay(ms);
        return ms;
    }

    /// <summary>Answers <paramref name="n"/> (<c>{"action":"echo","n":1}</c>).</summary>
    [Action]
    public int Echo(int n) => n;
}
