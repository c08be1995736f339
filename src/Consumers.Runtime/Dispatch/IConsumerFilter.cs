namespace Consumers;

/// <summary>
/// Code that runs around every action (and <see cref="ReceiveAttribute"/> handler) of the consumers it applies to:
/// audit logs, per-action throttling, tenant checks, mapping domain exceptions to statuses. SignalR's
/// <c>IHubFilter</c>, Socket.IO's <c>socket.use</c>.
/// </summary>
/// <remarks>
/// <para>
/// Registered for every consumer with <c>AddConsumers(o =&gt; o.AddFilter&lt;T&gt;())</c> (resolved once per consumer of a connection:
/// a registered service with its lifetime, else created with its constructor services), or for one consumer or one
/// action with <see cref="ConsumerFilterAttribute"/> (read by the source generator). They run global first, then the
/// consumer's, then the action's, each in declaration order; the first is the outermost.
/// </para>
/// <para>
/// They run after the action's arguments are bound, its <c>[Authorize]</c> and <c>[Permission]</c>s allowed it and its
/// DTOs passed validation; a consumer-level permission that denies, or a request that does not bind, never reaches
/// them. For a stream, <c>next</c> completes when the stream has ended (its result is the end envelope's 204); for a
/// concurrent action, the filters run on the action's own thread with it.
/// </para>
/// </remarks>
public interface IConsumerFilter
{
    /// <summary>
    /// Runs around one call. Call <paramref name="next"/> (at most once) to run the remaining filters and the action, or
    /// return an <see cref="ActionResult"/> without calling it to answer in its place (403, 409, 429...); the reply
    /// keeps the call's <c>request_id</c>. An exception <paramref name="next"/> throws can be caught and answered with a
    /// status; one that leaves the last filter is answered as without filters (<see cref="ActionException"/> with its
    /// status, anything else 500).
    /// </summary>
    /// <param name="context">The call: consumer, action, request id, user, services, arguments.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>
    /// The reply's status and errors. The action's own result, returned unchanged, is replied with its data; any other
    /// result is replied with <c>data: null</c>. For a <see cref="ReceiveAttribute"/> handler, a status of 400 or more
    /// is answered with <c>{"error": "..."}</c> (the first message), anything else sends nothing.
    /// </returns>
    ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next);

    /// <summary>
    /// Runs around the consumer's <c>OnConnectAsync</c>, during the handshake (after its <c>[Authorize]</c> and the
    /// permissions' <c>CanConnectAsync</c>), as SignalR's <c>IHubFilter.OnConnectedAsync</c>. Return false without calling
    /// <paramref name="next"/> to refuse the connection (the handshake is answered with 403). Default: calls <paramref name="next"/>.
    /// </summary>
    /// <param name="context">The consumer, its user and services.</param>
    /// <param name="next">The remaining filters, then <c>OnConnectAsync</c>.</param>
    /// <returns>Whether the connection is accepted.</returns>
    ValueTask<bool> OnConnectAsync(ConsumerLifetimeContext context, Func<ConsumerLifetimeContext, ValueTask<bool>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context);
    }

    /// <summary>
    /// Runs around the consumer's <c>OnDisconnectAsync</c>, once, when the connection ends (SignalR's
    /// <c>IHubFilter.OnDisconnectedAsync</c>). Default: calls <paramref name="next"/>.
    /// </summary>
    /// <param name="context">The consumer, its user and services, and the client's close status.</param>
    /// <param name="next">The remaining filters, then <c>OnDisconnectAsync</c>.</param>
    /// <returns>A task that completes when the consumer's method is done.</returns>
    ValueTask OnDisconnectAsync(ConsumerLifetimeContext context, Func<ConsumerLifetimeContext, ValueTask> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context);
    }
}

/// <summary>The rest of a filter pipeline: the next filter, or the action itself.</summary>
/// <param name="context">The call.</param>
/// <returns>The reply's status and errors.</returns>
public delegate ValueTask<ActionResult> ActionFilterDelegate(ActionFilterContext context);
