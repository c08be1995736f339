using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;

namespace Consumers.Testing.Tests;

public sealed record Tick(int N);

public sealed record TickFrame(string[] Errors, Tick Data, string Action, int ResponseStatus, string RequestId);

public sealed record Sum(int Total);

public sealed record AddRequest(string Action, int A, int B, int RequestId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(TickFrame))]
[JsonSerializable(typeof(Sum))]
[JsonSerializable(typeof(AddRequest))]
public sealed partial class KitJson : JsonSerializerContext;

/// <summary>The kit's test subject: replies, frames pushed under a tag of the caller's choosing, the caller's name.</summary>
[JsonContext(typeof(KitJson))]
public sealed partial class KitConsumer(Disconnects disconnects) : Consumer
{
    private string? _tag;

    [Action]
    public int Add(int a, int b) => a + b;

    [Action]
    public Sum Total(int a, int b) => new(a + b);

    /// <summary>Pushes <paramref name="count"/> DCRF-shaped update frames with request_id <paramref name="tag"/>, then replies.</summary>
    [Action]
    public int CountTo(int count, string tag)
    {
        for (var i = 1; i <= count; i++)
        {
            Send(new TickFrame([], new Tick(i), "update", 200, tag), KitJson.Default.TickFrame);
        }

        return count;
    }

    [Action]
    public string Whoami() => Context.User.Identity?.IsAuthenticated == true ? Context.User.Identity.Name ?? "" : "anonymous";

    [Action]
    public bool IsInRole(string role) => Context.User.IsInRole(role);

    /// <summary>Names this connection for <see cref="Disconnects"/>.</summary>
    [Action]
    public void Tag(string tag) => _tag = tag;

    protected override ValueTask OnDisconnectAsync(System.Net.WebSockets.WebSocketCloseStatus? closeStatus)
    {
        if (_tag is not null)
        {
            disconnects.Add(_tag, closeStatus);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The close code the server saw per tagged connection.</summary>
public sealed class Disconnects
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<System.Net.WebSockets.WebSocketCloseStatus?>> _codes = new();

    public void Add(string tag, System.Net.WebSockets.WebSocketCloseStatus? code) => Of(tag).TrySetResult(code);

    public Task<System.Net.WebSockets.WebSocketCloseStatus?> OfAsync(string tag) => Of(tag).Task.WaitAsync(TimeSpan.FromSeconds(5));

    private TaskCompletionSource<System.Net.WebSockets.WebSocketCloseStatus?> Of(string tag)
        => _codes.GetOrAdd(tag, _ => new TaskCompletionSource<System.Net.WebSockets.WebSocketCloseStatus?>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Takes a second to accept a connection.</summary>
[JsonContext(typeof(KitJson))]
public sealed partial class SlowConsumer : Consumer
{
    protected override async ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }

    [Action]
    public int Ping() => 1;
}

/// <summary>Only signed-in users connect.</summary>
[Authorize]
[JsonContext(typeof(KitJson))]
public sealed partial class SecuredConsumer : Consumer
{
    [Action]
    public string Whoami() => Context.User.Identity!.Name!;
}
