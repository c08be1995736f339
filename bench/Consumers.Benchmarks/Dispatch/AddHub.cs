using Microsoft.AspNetCore.SignalR;

namespace Consumers.Benchmarks.Dispatch;

/// <summary>The SignalR side of the dispatch benchmark: the same method as a hub method.</summary>
public sealed class AddHub : Hub
{
    /// <summary>Returns <c>a + b</c> (sent back as the invocation's completion).</summary>
    public int Add(int a, int b) => a + b;
}
