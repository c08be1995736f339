using System.ComponentModel;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Protocol;
using Microsoft.AspNetCore.Http;

namespace Consumers.Dispatch;

/// <summary>
/// One request being dispatched to a consumer: the payload, the action name, the <c>request_id</c>, and the
/// reply methods that write DCRF's envelope. Called by the code the Consumers source generator emits; user code
/// receives <see cref="RequestContext"/> instead. One instance per consumer, reused for each request, valid
/// until the task returned by <see cref="ConsumerHooks.DispatchAsync"/> completes; a concurrent action or a stream
/// (<see cref="RunConcurrentlyAsync"/>, <see cref="RunStreamAsync"/>) gets an instance of its own, with a copy of the
/// request, valid while it runs.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class ActionInvocation
{
    private readonly ConsumerContext _context;
    private readonly IReplySink _replies;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly JsonReaderOptions _readerOptions;
    private readonly RunningCalls _calls;

    // The application's pipeline and this connection's global filters (empty when there are none).
    private readonly ActionPipeline _pipeline;
    private readonly IConsumerFilter[] _filters;

    // The concurrent action or stream this instance runs, or null for the consumer's instance of ordered actions.
    private readonly DetachedCall? _call;
    private ReadOnlyMemory<byte> _payload;
    private ReadOnlyMemory<byte> _actionToken;
    private ReadOnlyMemory<byte> _actionName;
    private ReadOnlyMemory<byte> _requestIdToken;

    internal ActionInvocation(ConsumerContext context, IReplySink replies, Microsoft.Extensions.Logging.ILogger logger, JsonReaderOptions readerOptions, RunningCalls calls)
    {
        _context = context;
        _replies = replies;
        _logger = logger;
        _readerOptions = readerOptions;
        _calls = calls;
        _pipeline = ActionPipeline.Of(context.Services);
        _filters = context.Filters;
    }

    private ActionInvocation(ActionInvocation request)
    {
        _context = request._context;
        _replies = request._replies;
        _logger = request._logger;
        _readerOptions = request._readerOptions;
        _calls = request._calls;
        _pipeline = request._pipeline;
        _filters = request._filters;
    }

    // A concurrent action's or a stream's own instance: the request copied, since the message's buffer goes back to the
    // pool when the connection moves on to its next message.
    private ActionInvocation(ActionInvocation request, DetachedCall call)
        : this(request)
    {
        _payload = request._payload.ToArray();
        _actionToken = request._actionToken.ToArray();
        _actionName = request._actionName.ToArray();
        _requestIdToken = request._requestIdToken.ToArray();
        _call = call;

        // The call's span and duration end with the call, not with the dispatch that started it.
        Telemetry = request.Telemetry;
        request.Telemetry = default;
    }

    /// <summary>What this request records for traces and metrics (nothing while nobody listens).</summary>
    internal Diagnostics.ActionTelemetry Telemetry;

    /// <summary>The <c>response_status</c> of the last reply queued for the current request; 0 before any.</summary>
    internal int Status { get; private set; }

    /// <summary>Items of a stream written in one transport write at most, when the producer has them ready.</summary>
    internal const int MaxItemsPerWrite = 64;

    internal void Reset(ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> actionToken, ReadOnlyMemory<byte> actionName, ReadOnlyMemory<byte> requestIdToken)
    {
        _payload = payload;
        _actionToken = actionToken;
        _actionName = actionName;
        _requestIdToken = requestIdToken;
        Status = 0;
    }

    /// <summary>The unescaped UTF-8 action name, without quotes.</summary>
    public ReadOnlySpan<byte> ActionName => _actionName.Span;

    /// <summary>
    /// The call's token: cancelled when the connection ends and, for a concurrent action or a stream, when the client
    /// sends <c>{"action": "$cancel", "request_id": ...}</c> for it. Actions' <see cref="CancellationToken"/> parameters get it.
    /// </summary>
    public CancellationToken Aborted => _call?.Token ?? _context.ConnectionAborted;

    /// <summary>The connection's user.</summary>
    public ClaimsPrincipal User => _context.User;

    /// <summary>The connection's DI scope: action parameters that are services (interfaces, abstract types, <c>[FromServices]</c>) come from it.</summary>
    public IServiceProvider Services => _context.Services;

    /// <summary>A reader over the request payload, positioned before its opening brace. The payload is well formed.</summary>
    public Utf8JsonReader CreateReader() => new(_payload.Span, _readerOptions);

    /// <summary>The request's context for actions that declare a <see cref="RequestContext"/> parameter.</summary>
    public RequestContext CreateRequestContext()
        => new(Encoding.UTF8.GetString(_actionName.Span), RequestIdElement(), _context, _call);

    private JsonElement? RequestIdElement()
    {
        if (_requestIdToken.IsEmpty)
        {
            return null;
        }

        var reader = new Utf8JsonReader(_requestIdToken.Span, _readerOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Replies 405 <c>Method "x" not allowed.</c> (DCRF); a name longer than 128 characters is shortened in the text.</summary>
    public ValueTask ReplyUnknownAction()
        => ReplyError(StatusCodes.Status405MethodNotAllowed, ActionErrors.Messages(ProtocolErrors.MethodNotAllowed(Diagnostics.LogValue.Truncate(_actionName.Span))));

    /// <summary>Replies 400 <c>[{"key": ["This field is required."]}]</c>.</summary>
    /// <param name="key">The request key, as on the wire.</param>
    public ValueTask ReplyMissingArgument(string key) => ReplyInvalidArgument(key, ProtocolErrors.Required);

    /// <summary>Replies 400 <c>[{"key": ["message"]}]</c>.</summary>
    /// <param name="key">The request key, as on the wire.</param>
    /// <param name="message">What was wrong with its value.</param>
    public ValueTask ReplyInvalidArgument(string key, string message) => ReplyError(StatusCodes.Status400BadRequest, ActionErrors.Field(key, message));

    /// <summary>
    /// Replies 400 for a DTO argument System.Text.Json refused: the missing or <c>null</c> members by their wire keys
    /// (<c>[{"name": ["This field is required."]}]</c>), else the request key and the JSON path of the error.
    /// </summary>
    /// <param name="key">The request key, as on the wire.</param>
    /// <param name="exception">What the deserializer threw.</param>
    /// <param name="value">A reader positioned on the argument's value, as it was before deserializing.</param>
    /// <param name="typeInfo">The metadata the value was read with.</param>
    public ValueTask ReplyInvalidJson(string key, JsonException exception, Utf8JsonReader value, JsonTypeInfo typeInfo)
        => ReplyError(StatusCodes.Status400BadRequest, JsonArgumentErrors.Describe(key, exception, value, typeInfo));

    /// <summary>Replies with <paramref name="status"/>, <paramref name="errors"/> and <c>data: null</c>.</summary>
    /// <param name="status">The <c>response_status</c>.</param>
    /// <param name="errors">The errors.</param>
    internal ValueTask ReplyError(int status, ActionErrors errors)
    {
        // A concurrent action's or a stream's last frame (a stream's items go through ReplyData).
        EndCall();
        Status = status;
        _replies.Reply(_actionToken.Span, status, errors, _requestIdToken.Span);
        return ValueTask.CompletedTask;
    }

    // The call's last frame is about to be queued: its slot (or stream place) and its request_id are given back first,
    // so that a client that starts its next call on reading that frame is not refused with 429 or 409.
    private void EndCall()
    {
        if (_call is { } call)
        {
            _calls.Remove(call);
        }
    }

    /// <summary>Replies 401 or 403 with DRF's text, and logs and counts the denial.</summary>
    internal ValueTask ReplyDenied(int status)
    {
        Diagnostics.ConsumerMetrics.ActionsDenied.Add(1);
        // Consumer permissions run before the action lookup: the name may be anything the client sent.
        Security.SecurityLog.ActionDenied(_logger, Diagnostics.LogValue.Truncate(_actionName.Span), status);
        return ReplyError(status, ActionErrors.Messages(status == StatusCodes.Status401Unauthorized ? ProtocolErrors.NotAuthenticated : ProtocolErrors.PermissionDenied));
    }

    /// <summary>Replies 200 with <c>data: null</c>: the reply of actions that return nothing.</summary>
    public ValueTask ReplyEmpty() => ReplyError(StatusCodes.Status200OK, ActionErrors.None);

    /// <summary>Replies 200 with <paramref name="value"/> as <c>data</c>.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="value">The data.</param>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    public ValueTask Reply<T>(T value, JsonTypeInfo<T> typeInfo) => ReplyData(StatusCodes.Status200OK, value, typeInfo);

    /// <summary>Awaits a <see cref="Task"/> action, then replies 200 with <c>data: null</c>.</summary>
    /// <param name="task">The action's task.</param>
    public ValueTask ReplyAsync(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return ReplyEmpty();
        }

        return Await(task, this);

        static async ValueTask Await(Task task, ActionInvocation self)
        {
            await task.ConfigureAwait(false);
            await self.ReplyEmpty().ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a <see cref="ValueTask"/> action, then replies 200 with <c>data: null</c>.</summary>
    /// <param name="task">The action's task.</param>
    public ValueTask ReplyAsync(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return ReplyEmpty();
        }

        return Await(task, this);

        static async ValueTask Await(ValueTask task, ActionInvocation self)
        {
            await task.ConfigureAwait(false);
            await self.ReplyEmpty().ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a <see cref="Task{T}"/> action, then replies 200 with its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The action's task.</param>
    /// <param name="typeInfo">The result's source-generated metadata.</param>
    public ValueTask ReplyAsync<T>(Task<T> task, JsonTypeInfo<T> typeInfo)
    {
        if (task.IsCompletedSuccessfully)
        {
            return ReplyData(StatusCodes.Status200OK, task.Result, typeInfo);
        }

        return Await(task, typeInfo, this);

        static async ValueTask Await(Task<T> task, JsonTypeInfo<T> typeInfo, ActionInvocation self)
        {
            var result = await task.ConfigureAwait(false);
            await self.ReplyData(StatusCodes.Status200OK, result, typeInfo).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a <see cref="ValueTask{T}"/> action, then replies 200 with its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The action's task.</param>
    /// <param name="typeInfo">The result's source-generated metadata.</param>
    public ValueTask ReplyAsync<T>(ValueTask<T> task, JsonTypeInfo<T> typeInfo)
    {
        if (task.IsCompletedSuccessfully)
        {
            return ReplyData(StatusCodes.Status200OK, task.Result, typeInfo);
        }

        return Await(task, typeInfo, this);

        static async ValueTask Await(ValueTask<T> task, JsonTypeInfo<T> typeInfo, ActionInvocation self)
        {
            var result = await task.ConfigureAwait(false);
            await self.ReplyData(StatusCodes.Status200OK, result, typeInfo).ConfigureAwait(false);
        }
    }

    /// <summary>Replies with the status and errors of <paramref name="result"/> and <c>data: null</c>.</summary>
    /// <param name="result">The action's result.</param>
    public ValueTask ReplyResult(ActionResult result) => ReplyError(result.Status, result.Errors ?? ActionErrors.None);

    /// <summary>Replies with the status, data and errors of <paramref name="result"/>.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="result">The action's result.</param>
    /// <param name="typeInfo">The data's source-generated metadata.</param>
    public ValueTask ReplyResult<T>(ActionResult<T> result, JsonTypeInfo<T> typeInfo)
        => result.HasData
            ? ReplyData(result.Status, result.Data!, typeInfo, result.Errors ?? ActionErrors.None)
            : ReplyError(result.Status, result.Errors ?? ActionErrors.None);

    /// <summary>Awaits an action returning <see cref="ActionResult"/>, then replies with it.</summary>
    /// <param name="task">The action's task.</param>
    public async ValueTask ReplyResultAsync(Task<ActionResult> task)
        => await ReplyResult(await task.ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Awaits an action returning <see cref="ActionResult"/>, then replies with it.</summary>
    /// <param name="task">The action's task.</param>
    public async ValueTask ReplyResultAsync(ValueTask<ActionResult> task)
        => await ReplyResult(await task.ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Awaits an action returning <see cref="ActionResult{T}"/>, then replies with it.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="task">The action's task.</param>
    /// <param name="typeInfo">The data's source-generated metadata.</param>
    public async ValueTask ReplyResultAsync<T>(Task<ActionResult<T>> task, JsonTypeInfo<T> typeInfo)
        => await ReplyResult(await task.ConfigureAwait(false), typeInfo).ConfigureAwait(false);

    /// <summary>Awaits an action returning <see cref="ActionResult{T}"/>, then replies with it.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="task">The action's task.</param>
    /// <param name="typeInfo">The data's source-generated metadata.</param>
    public async ValueTask ReplyResultAsync<T>(ValueTask<ActionResult<T>> task, JsonTypeInfo<T> typeInfo)
        => await ReplyResult(await task.ConfigureAwait(false), typeInfo).ConfigureAwait(false);

    private ValueTask ReplyData<T>(int status, T value, JsonTypeInfo<T> typeInfo, ActionErrors? errors = null)
    {
        if (_call is { IsStream: false })
        {
            EndCall();
        }

        Status = status;
        _replies.Reply(_actionToken.Span, status, value, typeInfo, errors ?? ActionErrors.None, _requestIdToken.Span);
        return ValueTask.CompletedTask;
    }
}
