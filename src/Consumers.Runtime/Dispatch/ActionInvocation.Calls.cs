using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Consumers.Protocol;
using Microsoft.AspNetCore.Http;

namespace Consumers.Dispatch;

// Concurrent actions and streams: how a request leaves the connection's order (its own instance on the thread pool, a
// slot of the connection's RunningCalls), how a failure or $cancel is answered, and how a stream's items are paced.
public sealed partial class ActionInvocation
{
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
            Telemetry.End(Status);
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
        try
        {
            var end = await PumpItemsAsync(items, typeInfo).ConfigureAwait(false);
            if (!_context.ConnectionAborted.IsCancellationRequested)
            {
                _ = ReplyError(end.Status, end.Errors ?? ActionErrors.None);
            }
        }
        catch (ActionException ex)
        {
            _ = ReplyError(ex.Status, ex.Errors);
        }
        catch (Exception ex)
        {
            Diagnostics.ConsumerMetrics.ActionsFailed.Add(1);
            DispatchLog.StreamFailed(_logger, Encoding.UTF8.GetString(_actionName.Span), RequestIdText(), _sent, ex);
            _ = ReplyError(StatusCodes.Status500InternalServerError, ActionErrors.Messages(ProtocolErrors.InternalServerError));
        }
    }

    // Items sent by this instance's stream (for the log of a failure).
    private int _sent;

    // The items, in runs; returns the end's result (204, also when cancelled by $cancel or with the connection) and
    // throws what the producer throws, once the run in progress is ended.
    private async ValueTask<ActionResult> PumpItemsAsync<T>(IAsyncEnumerable<T> items, JsonTypeInfo<T> typeInfo)
    {
        var token = Aborted;
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
                if (_sent++ == 0 && _call is { } call)
                {
                    _replies.ActivateSubscriptions(call);
                }

                if (++inTurn == MaxItemsPerWrite)
                {
                    EndTurn(ref turn);
                }
            }

            EndTurn(ref turn);
            return ActionResult.NoContent();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancelled by $cancel: the stream ends as a finished one does.
            EndTurn(ref turn);
            return ActionResult.NoContent();
        }
        catch
        {
            EndTurn(ref turn);
            throw;
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
                    // The end is decided already: a failing dispose is logged, not answered.
                    DispatchLog.StreamFailed(_logger, Encoding.UTF8.GetString(_actionName.Span), RequestIdText(), _sent, ex);
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
}
