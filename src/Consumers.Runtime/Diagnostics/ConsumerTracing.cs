using System.Diagnostics;

namespace Consumers.Diagnostics;

/// <summary>
/// The runtime's traces, on the <see cref="ActivitySource"/> named <c>Consumers</c> (add it to OpenTelemetry with
/// <c>tracing.AddSource("Consumers")</c>). Nothing is created while nobody listens to the source: every method checks
/// <see cref="ActivitySource.HasListeners"/> first, so dispatch and fan-out cost nothing more without a listener.
/// </summary>
/// <remarks>
/// The spans follow ASP.NET Core SignalR's (<c>Microsoft.AspNetCore.SignalR.Server</c>, .NET 9) and OpenTelemetry's
/// RPC conventions: one server span per handled message, named <c>{Consumer}/{action}</c>, without a parent (a
/// WebSocket's HTTP request lasts as long as the connection, so its spans would never end) and with a link to the
/// connection's HTTP request span. A group message carries the W3C trace context of the span that sent it
/// (<c>traceparent</c>, <c>tracestate</c> headers, carried by every group layer), so its delivery on each node and the
/// handlers it runs there are in the sender's trace.
/// </remarks>
internal static class ConsumerTracing
{
    /// <summary>The source's name.</summary>
    public const string SourceName = "Consumers";

    /// <summary>The W3C trace context header (https://www.w3.org/TR/trace-context/#traceparent-header).</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C vendor trace state header.</summary>
    public const string TraceStateHeader = "tracestate";

    /// <summary>The value of <c>rpc.system</c> on the runtime's spans and metrics.</summary>
    public const string RpcSystem = "consumers";

    /// <summary>The <c>rpc.method</c> of a request whose action name is not one of the consumer's (405, or refused before the lookup).</summary>
    public const string OtherMethod = "_OTHER";

    public static readonly ActivitySource Source = new(SourceName, typeof(ConsumerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Whether anyone listens to the source (an OpenTelemetry tracer provider, an <see cref="ActivityListener"/>).</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>
    /// Starts the span of one handled request, outside any parent, linked to the connection's HTTP request span.
    /// Null when nobody listens or the sampler drops it.
    /// </summary>
    /// <param name="consumer">The consumer type's name (<c>rpc.service</c>).</param>
    /// <param name="action">The action name as the client sent it (<c>rpc.method</c>).</param>
    /// <param name="requestId">The request's <c>request_id</c> token, or empty.</param>
    /// <param name="connection">The connection's HTTP request span, or default.</param>
    public static Activity? StartAction(string consumer, string action, ReadOnlySpan<byte> requestId, ActivityContext connection)
    {
        var activity = Create(consumer + "/" + action, ActivityKind.Server, parent: default, connection);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("rpc.system", RpcSystem);
            activity.SetTag("rpc.service", consumer);
            activity.SetTag("rpc.method", action);
            if (!requestId.IsEmpty)
            {
                activity.SetTag("consumers.request_id", System.Text.Encoding.UTF8.GetString(requestId).Trim('"'));
            }
        }

        activity.Start();
        return activity;
    }

    /// <summary>
    /// Starts the span of work a group message causes on this node: its delivery to the node's members, or a
    /// consumer's handler of it. Its parent is the sender's span when the message carries one; a message sent outside
    /// any trace gets a delivery span only when <paramref name="always"/> (a handler runs user code worth a span).
    /// </summary>
    /// <param name="name">The span name.</param>
    /// <param name="kind"><see cref="ActivityKind.Consumer"/> for deliveries and handlers.</param>
    /// <param name="traceParent">The message's <c>traceparent</c> header, or null.</param>
    /// <param name="traceState">Its <c>tracestate</c> header, or null.</param>
    /// <param name="always">Start a root span when the message carries no trace context.</param>
    /// <param name="connection">The connection's HTTP request span to link, or default.</param>
    /// <remarks>The span becomes the current one; a synchronous caller puts its own back after <see cref="Stop"/>.</remarks>
    public static Activity? StartFromMessage(string name, ActivityKind kind, string? traceParent, string? traceState, bool always, ActivityContext connection = default)
    {
        var hasParent = ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
        if (!hasParent && !always)
        {
            return null;
        }

        var activity = Create(name, kind, parent, connection);
        activity?.SetTag("rpc.system", RpcSystem);
        return activity?.Start();
    }

    /// <summary>Ends a span with the reply's status: 5xx marks it as an error (<c>error.type</c> the status), as OpenTelemetry's server spans do.</summary>
    /// <param name="activity">The span, or null.</param>
    /// <param name="status">The <c>response_status</c> of the request's last reply; 0 when none was sent.</param>
    /// <param name="method">The <c>rpc.method</c> to keep (<see cref="OtherMethod"/> renames the span).</param>
    public static void StopAction(Activity? activity, int status, string? method)
    {
        if (activity is null)
        {
            return;
        }

        if (ReferenceEquals(method, OtherMethod))
        {
            activity.DisplayName = activity.GetTagItem("rpc.service") + "/" + OtherMethod;
            activity.SetTag("rpc.method", OtherMethod);
        }

        if (status != 0)
        {
            activity.SetTag("consumers.response_status", status);
        }

        if (status >= 500)
        {
            activity.SetTag("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Stop();
    }

    /// <summary>Ends a handler's or a delivery's span; an exception marks it as an error.</summary>
    /// <param name="activity">The span, or null.</param>
    /// <param name="exception">What the handler threw, or null.</param>
    public static void Stop(Activity? activity, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        if (exception is not null)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        activity.Stop();
    }

    /// <summary>
    /// The trace context of the current span, as group message headers, when the runtime's spans are being recorded
    /// (someone listens and a span is current); otherwise <paramref name="headers"/> unchanged. A plain fan-out outside
    /// any trace keeps its messages header-free.
    /// </summary>
    /// <param name="headers">The message's other headers, or null.</param>
    public static KeyValuePair<string, string>[]? WithTraceContext(KeyValuePair<string, string>[]? headers)
    {
        if (!Source.HasListeners() || Activity.Current is not { IdFormat: ActivityIdFormat.W3C } current)
        {
            return headers;
        }

        var count = (headers?.Length ?? 0) + (current.TraceStateString is null ? 1 : 2);
        var result = new KeyValuePair<string, string>[count];
        headers?.CopyTo(result, 0);
        var index = headers?.Length ?? 0;
        result[index] = new(TraceParentHeader, current.Id!);
        if (current.TraceStateString is { } state)
        {
            result[index + 1] = new(TraceStateHeader, state);
        }

        return result;
    }

    // Created with no current span: Start() would otherwise take the current one (the connection's HTTP request span,
    // or the sender's on the in-memory layer) as the parent. The caller's flow gets its current span back when its async
    // method returns, or by setting it after Stop.
    private static Activity? Create(string name, ActivityKind kind, ActivityContext parent, ActivityContext connection)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = Source.CreateActivity(name, kind, parent, links: connection == default ? null : [new ActivityLink(connection)]);
        if (activity is null)
        {
            Activity.Current = previous;
        }

        return activity;
    }
}
