namespace Consumers.Benchmarks.Dispatch;

/// <summary>The Consumers side of the dispatch benchmark: one action with two bound parameters and a reply.</summary>
[JsonContext(typeof(Fanout.FanoutJson))]
public sealed partial class AddConsumer : Consumer
{
    /// <summary>Replies with <c>a + b</c>.</summary>
    [Action]
    public int Add(int a, int b) => a + b;
}
