using System.Security.Claims;
using System.Text.Json;

namespace Consumers;

/// <summary>
/// One call as <see cref="IConsumerFilter"/>s see it (SignalR's <c>HubInvocationContext</c>): the consumer, the wire
/// action name, the <c>request_id</c>, the user, the connection's services and the bound arguments. One per call, made
/// only when filters apply to it.
/// </summary>
public sealed class ActionFilterContext
{
    private readonly IReadOnlyList<IConsumerFilter> _global;
    private readonly IReadOnlyList<Dispatch.FilterSource> _declared;
    private readonly Dispatch.ActionCall _call;
    private readonly ActionFilterDelegate _next;
    private int _index;

    internal ActionFilterContext(Dispatch.ActionCall call, string action, JsonElement? requestId, CancellationToken cancellationToken, IReadOnlyList<IConsumerFilter> global, IReadOnlyList<Dispatch.FilterSource> declared)
    {
        _call = call;
        Action = action;
        RequestId = requestId;
        CancellationToken = cancellationToken;
        _global = global;
        _declared = declared;
        _next = static context => context.NextAsync();
    }

    /// <summary>The consumer the call is for (one per connection and stream).</summary>
    public Consumer Consumer => _call.Consumer;

    /// <summary>The wire name of the action (<c>"receive"</c> for a <see cref="ReceiveAttribute"/> handler).</summary>
    public string Action { get; }

    /// <summary>The request's <c>request_id</c> as sent (any JSON value), or null when it had none (and for a plain JSON message).</summary>
    public JsonElement? RequestId { get; }

    /// <summary>The connection's user, authenticated at the handshake (an anonymous principal when none).</summary>
    public ClaimsPrincipal User => Consumer.Context.User;

    /// <summary>The connection's DI scope.</summary>
    public IServiceProvider Services => Consumer.Context.Services;

    /// <summary>The bound arguments, by wire name and position (a <see cref="ReceiveAttribute"/> handler's message is argument 0, <c>"message"</c>).</summary>
    public ActionArguments Arguments => _call;

    /// <summary>The call's token: cancelled when the connection ends and, for a concurrent action or a stream, by <c>$cancel</c>.</summary>
    public CancellationToken CancellationToken { get; }

    // The next filter, or the action once every filter has run.
    internal ValueTask<ActionResult> NextAsync()
    {
        var index = _index++;
        if (index < _global.Count)
        {
            return _global[index].InvokeAsync(this, _next);
        }

        index -= _global.Count;
        if (index < _declared.Count)
        {
            return _declared[index].Resolve(Services).InvokeAsync(this, _next);
        }

        return _call.Invoke();
    }
}
