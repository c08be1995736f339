using System.ComponentModel;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
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
public sealed class ActionInvocation
{
    private readonly ConsumerContext _context;
    private readonly IReplySink _replies;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly JsonReaderOptions _readerOptions;
    private readonly RunningCalls _calls;

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
    }

    // A concurrent action's or a stream's own instance: the request copied, since the message's buffer goes back to the
    // pool when the connection moves on to its next message.
    private ActionInvocation(ActionInvocation request, DetachedCall call)
        : this(request._context, request._replies, request._logger, request._readerOptions, request._calls)
    {
        _payload = request._payload.ToArray();
        _actionToken = request._actionToken.ToArray();
        _actionName = request._actionName.ToArray();
        _requestIdToken = request._requestIdToken.ToArray();
        _call = call;
    }

    /// <summary>Items of a stream written in one transport write at most, when the producer has them ready.</summary>
    internal const int MaxItemsPerWrite = 64;

    internal void Reset(ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> actionToken, ReadOnlyMemory<byte> actionName, ReadOnlyMemory<byte> requestIdToken)
    {
        _payload = payload;
        _actionToken = actionToken;
        _actionName = actionName;
        _requestIdToken = requestIdToken;
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
    {
        JsonElement? requestId = null;
        if (!_requestIdToken.IsEmpty)
        {
            var reader = new Utf8JsonReader(_requestIdToken.Span, _readerOptions);
            requestId = JsonElement.ParseValue(ref reader);
        }

        return new RequestContext(Encoding.UTF8.GetString(_actionName.Span), requestId, _context, _call);
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

    /// <summary>
    /// Checks an action's generated <see cref="Security.SecurityRequirements"/> (its <c>[Authorize]</c> policy with
    /// the connection's user, then its permissions) and calls <paramref name="invoke"/> when they allow; otherwise
    /// replies 401 <c>["Authentication credentials were not provided."]</c> (no authenticated user) or 403
    /// <c>["You do not have permission to perform this action."]</c> (DRF's texts) and keeps the connection open.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type.</typeparam>
    /// <param name="requirements">The action's requirements.</param>
    /// <param name="consumer">The consumer.</param>
    /// <param name="invoke">The generated binder and call of the action.</param>
    public ValueTask AuthorizeAsync<TConsumer>(Security.SecurityRequirements requirements, TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke)
        where TConsumer : Consumer
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(invoke);
        return Check(requirements, consumer, invoke, this);

        static async ValueTask Check(Security.SecurityRequirements requirements, TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke, ActionInvocation self)
        {
            var action = Encoding.UTF8.GetString(self._actionName.Span);
            var status = await Security.ConsumerAuthorization.AuthorizeActionAsync(consumer, requirements, action, self.Aborted).ConfigureAwait(false);
            if (status != 0)
            {
                await self.ReplyDenied(status).ConfigureAwait(false);
                return;
            }

            await invoke(consumer, self).ConfigureAwait(false);
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

    /// <summary>
    /// Runs a concurrent action (<c>[Action(Concurrent = true)]</c>): returns at once, so the connection reads and
    /// handles its next messages while <paramref name="invoke"/> runs on the thread pool with an instance of its own
    /// (the request copied) and replies when it finishes. At the connection's cap
    /// (<c>ConsumerOptions.MaxConcurrentActionsPerConnection</c>) it first waits for a running one to end, and the
    /// messages behind it wait too. A <c>request_id</c> of the consumer's still running concurrent action or stream is
    /// answered with 409; <c>$cancel</c> cancels the call's token, and an action that then throws
    /// <see cref="OperationCanceledException"/> is answered with 499 <c>["The call was cancelled."]</c>.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type.</typeparam>
    /// <param name="consumer">The consumer.</param>
    /// <param name="invoke">The generated binder and call of the action (its authorization check included).</param>
    /// <returns>A task that completes when the action has started.</returns>
    /// <exception cref="OperationCanceledException">The connection ended while the action waited for its turn.</exception>
    public ValueTask RunConcurrentlyAsync<TConsumer>(TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke)
        where TConsumer : Consumer
    {
        ArgumentNullException.ThrowIfNull(invoke);
        var slot = _calls.EnterConcurrentAsync(_context.ConnectionAborted);
        if (slot.IsCompletedSuccessfully)
        {
            return Start(consumer, invoke, isStream: false);
        }

        return AwaitSlot(slot, consumer, invoke, this);

        static async ValueTask AwaitSlot(ValueTask slot, TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke, ActionInvocation self)
        {
            await slot.ConfigureAwait(false);
            await self.Start(consumer, invoke, isStream: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a streaming action: as <see cref="RunConcurrentlyAsync"/>, but past
    /// <c>ConsumerOptions.MaxConcurrentStreamsPerConnection</c> running streams the request is answered with 429
    /// instead of waiting.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type.</typeparam>
    /// <param name="consumer">The consumer.</param>
    /// <param name="invoke">The generated binder and call, which ends with <see cref="ReplyStreamAsync{T}(IAsyncEnumerable{T}, JsonTypeInfo{T})"/>.</param>
    /// <returns>A task that completes when the stream has started (or was refused).</returns>
    public ValueTask RunStreamAsync<TConsumer>(TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke)
        where TConsumer : Consumer
    {
        ArgumentNullException.ThrowIfNull(invoke);
        if (!_calls.TryEnterStream())
        {
            return ReplyError(StatusCodes.Status429TooManyRequests, ActionErrors.Messages(ProtocolErrors.TooManyStreams(_calls.MaxStreams)));
        }

        return Start(consumer, invoke, isStream: true);
    }

    // The slot or stream place is taken: records the call for $cancel and starts it on the thread pool (with the
    // execution context, so log scopes and activities follow it).
    private ValueTask Start<TConsumer>(TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke, bool isStream)
        where TConsumer : Consumer
    {
        var requestId = _requestIdToken.IsEmpty ? null : Encoding.UTF8.GetString(_requestIdToken.Span);
        var call = new DetachedCall(_replies, requestId, isStream, _context.ConnectionAborted);
        if (!_calls.TryAdd(call))
        {
            _calls.Release(call);
            call.Dispose();
            return ReplyError(StatusCodes.Status409Conflict, ActionErrors.Messages(ProtocolErrors.CallRunning));
        }

        var detached = new ActionInvocation(this, call);
        ThreadPool.QueueUserWorkItem(static state => _ = state.Invocation.RunDetachedAsync(state.Consumer, state.Invoke), (Invocation: detached, Consumer: consumer, Invoke: invoke), preferLocal: false);
        return ValueTask.CompletedTask;
    }

    private async Task RunDetachedAsync<TConsumer>(TConsumer consumer, Func<TConsumer, ActionInvocation, ValueTask> invoke)
        where TConsumer : Consumer
    {
        var call = _call!;
        try
        {
            await invoke(consumer, this).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReplyToFailure(ex);
        }
        finally
        {
            // The reply is queued: the subscriptions the call made may now receive notifications.
            _replies.ActivateSubscriptions(call);
            _calls.Remove(call);
            call.Dispose();
        }
    }

    /// <summary>
    /// Answers an action that threw: <see cref="ActionException"/> with its status and errors; cancellation by
    /// <c>$cancel</c> with 499; anything else with 500 (logged and counted). Nothing when the connection has ended.
    /// </summary>
    internal void ReplyToFailure(Exception exception)
    {
        switch (exception)
        {
            case ActionException action:
                _ = ReplyError(action.Status, action.Errors);
                return;
            case OperationCanceledException when _context.ConnectionAborted.IsCancellationRequested:
                // The connection is gone; there is nobody to answer.
                return;
            case OperationCanceledException when _call is { CancelledByClient: true }:
                _ = ReplyError(StatusCodeCancelled, ActionErrors.Messages(ProtocolErrors.CallCancelled));
                return;
        }

        Diagnostics.ConsumerMetrics.ActionsFailed.Add(1);
        DispatchLog.ActionFailed(_logger, Encoding.UTF8.GetString(_actionName.Span), RequestIdText(), exception);
        _ = ReplyError(StatusCodes.Status500InternalServerError, ActionErrors.Messages(ProtocolErrors.InternalServerError));
    }

    /// <summary>The status of a concurrent action cancelled by <c>$cancel</c>: 499, nginx's "client closed request".</summary>
    internal const int StatusCodeCancelled = 499;

    private string RequestIdText() => _requestIdToken.IsEmpty ? "null" : Encoding.UTF8.GetString(_requestIdToken.Span);

    /// <summary>
    /// Streams <paramref name="items"/>: one envelope per item (<c>response_status</c> 200, the call's <c>action</c> and
    /// <c>request_id</c>, the item as <c>data</c>), then one end envelope with 204 and <c>data: null</c>. An exception
    /// ends the stream with a 500 envelope (an <see cref="ActionException"/> with its status) and the connection stays
    /// open; <c>$cancel</c> ends it with the 204 envelope. Backpressure, not buffering: the next item is not taken while
    /// the connection's send queue is more than half full, so a fast producer is paced by a slow reader (SignalR's
    /// streaming hub methods wait for the transport the same way). Items the producer has ready leave in one write, up
    /// to 64 at a time.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The action's stream; enumerated with the call's token (<c>[EnumeratorCancellation]</c>).</param>
    /// <param name="typeInfo">The items' source-generated metadata.</param>
    /// <returns>A task that completes when the stream has ended and its end envelope is queued.</returns>
    public ValueTask ReplyStreamAsync<T>(IAsyncEnumerable<T> items, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PumpAsync(items, typeInfo);
    }

    /// <summary>Streams what <paramref name="items"/> yields until it is completed, as <see cref="ReplyStreamAsync{T}(IAsyncEnumerable{T}, JsonTypeInfo{T})"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The action's channel; a channel completed with an exception ends the stream with 500.</param>
    /// <param name="typeInfo">The items' source-generated metadata.</param>
    /// <returns>A task that completes when the stream has ended and its end envelope is queued.</returns>
    public ValueTask ReplyStreamAsync<T>(ChannelReader<T> items, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PumpAsync(items.ReadAllAsync(Aborted), typeInfo);
    }

    private async ValueTask PumpAsync<T>(IAsyncEnumerable<T> items, JsonTypeInfo<T> typeInfo)
    {
        var token = Aborted;
        var sent = 0;
        var turn = false;

        // What was queued when the previous run of items began: before the next run, that much must be written, so that
        // one run is written while the next is produced and no more waits (SignalR's streams await their pipe's flush).
        var mark = 0L;
        IAsyncEnumerator<T>? enumerator = null;
        try
        {
            enumerator = items.GetAsyncEnumerator(token);
            var inTurn = 0;
            while (true)
            {
                token.ThrowIfCancellationRequested();
                var next = enumerator.MoveNextAsync();
                bool more;
                if (next.IsCompletedSuccessfully)
                {
                    more = next.Result;
                }
                else
                {
                    // The producer has nothing ready: what was taken leaves now.
                    EndTurn(ref turn);
                    more = await next.ConfigureAwait(false);
                }

                if (!more)
                {
                    break;
                }

                if (!turn)
                {
                    // A run of items begins: what was queued when the previous one began must be written first.
                    var room = _replies.WaitForRoomAsync(mark, token);
                    if (!room.IsCompletedSuccessfully)
                    {
                        await room.ConfigureAwait(false);
                    }

                    mark = _replies.QueueMark;
                    turn = _replies.BeginItems();
                    inTurn = 0;
                }

                _ = ReplyData(StatusCodes.Status200OK, enumerator.Current, typeInfo);
                if (sent++ == 0 && _call is { } call)
                {
                    _replies.ActivateSubscriptions(call);
                }

                if (++inTurn == MaxItemsPerWrite)
                {
                    EndTurn(ref turn);
                }
            }

            EndTurn(ref turn);
            _ = ReplyError(StatusCodes.Status204NoContent, ActionErrors.None);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            EndTurn(ref turn);
            if (!_context.ConnectionAborted.IsCancellationRequested)
            {
                // Cancelled by $cancel: the stream ends as a finished one does.
                _ = ReplyError(StatusCodes.Status204NoContent, ActionErrors.None);
            }
        }
        catch (ActionException ex)
        {
            EndTurn(ref turn);
            _ = ReplyError(ex.Status, ex.Errors);
        }
        catch (Exception ex)
        {
            EndTurn(ref turn);
            Diagnostics.ConsumerMetrics.ActionsFailed.Add(1);
            DispatchLog.StreamFailed(_logger, Encoding.UTF8.GetString(_actionName.Span), RequestIdText(), sent, ex);
            _ = ReplyError(StatusCodes.Status500InternalServerError, ActionErrors.Messages(ProtocolErrors.InternalServerError));
        }
        finally
        {
            if (enumerator is not null)
            {
                try
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The end envelope is queued already: a failing dispose is logged, not answered.
                    DispatchLog.StreamFailed(_logger, Encoding.UTF8.GetString(_actionName.Span), RequestIdText(), sent, ex);
                }
            }
        }
    }

    private void EndTurn(ref bool turn)
    {
        if (turn)
        {
            turn = false;
            _replies.EndItems();
        }
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

        _replies.Reply(_actionToken.Span, status, value, typeInfo, errors ?? ActionErrors.None, _requestIdToken.Span);
        return ValueTask.CompletedTask;
    }
}
