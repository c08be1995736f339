using System.Collections.Concurrent;
using System.Net.WebSockets;
using Consumers;

namespace Consumers.Tests.Consumers;

/// <summary>Records connects and disconnects; refuses connections that ask for it.</summary>
public sealed partial class LifecycleConsumer(LifecycleLog log) : Consumer
{
    protected override ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken)
    {
        var refuse = Context.HttpContext.Request.Query.ContainsKey("refuse");
        if (!refuse)
        {
            log.Connected.Enqueue(Context.ConnectionId);
        }

        return ValueTask.FromResult(!refuse);
    }

    protected override ValueTask OnDisconnectAsync(WebSocketCloseStatus? closeStatus)
    {
        log.Disconnected.Enqueue((Context.ConnectionId, closeStatus, Context.ConnectionAborted.IsCancellationRequested));
        return ValueTask.CompletedTask;
    }

    [Action]
    public string Room() => Context.RouteValues["room"]?.ToString() ?? "";

    [Action]
    public string Id() => Context.ConnectionId;

    [Action]
    public string? Stream() => Context.Stream;

    [Action]
    public async Task<bool> WaitForDisconnect(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            log.CancelledActions.Enqueue(Context.ConnectionId);
            throw;
        }

        return false;
    }

    [Action]
    public bool Push(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Send(new Greeting("push", i), TestJsonContext.Default.Greeting);
        }

        return true;
    }
}

/// <summary>A singleton the lifecycle consumer writes to.</summary>
public sealed class LifecycleLog
{
    public ConcurrentQueue<string> Connected { get; } = new();

    public ConcurrentQueue<(string Id, WebSocketCloseStatus? Status, bool Aborted)> Disconnected { get; } = new();

    public ConcurrentQueue<string> CancelledActions { get; } = new();
}
