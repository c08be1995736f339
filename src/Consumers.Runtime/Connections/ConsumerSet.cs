using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Consumers.Diagnostics;
using Consumers.Dispatch;
using Consumers.Groups;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Consumers.Protocol;

namespace Consumers.Connections;

/// <summary>
/// The consumers of one connection: a single consumer on a plain endpoint, one per stream on a multiplexed
/// endpoint. Routes each incoming message to its consumer and answers bad frames with error envelopes.
/// </summary>
internal sealed class ConsumerSet
{
    private readonly Entry[] _entries;
    private readonly bool _multiplexed;
    private readonly ConsumerConnection _connection;
    private readonly JsonReaderOptions _readerOptions;
    private readonly LocalGroups _local;
    private readonly RunningCalls _calls;

    private ConsumerSet(Entry[] entries, bool multiplexed, ConsumerConnection connection, JsonReaderOptions readerOptions, LocalGroups local, RunningCalls calls)
    {
        _local = local;
        _calls = calls;
        _entries = entries;
        _multiplexed = multiplexed;
        _connection = connection;
        _readerOptions = readerOptions;
    }

    public IEnumerable<Consumer> Consumers => _entries.Select(e => e.Channel.Consumer);

    /// <summary>The consumers' channels, in registration order (each with its consumer and its hooks).</summary>
    public IEnumerable<ConsumerChannel> Channels => _entries.Select(e => e.Channel);

    public static ConsumerSet Create(
        IReadOnlyList<ConsumerRegistration> registrations,
        bool multiplexed,
        ConsumerConnection connection,
        Microsoft.AspNetCore.Http.HttpContext httpContext,
        IServiceProvider services)
    {
        var readerOptions = new JsonReaderOptions { MaxDepth = connection.Options.MaxJsonDepth };
        connection.Upgrade = httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() as FrameBatchingUpgradeFeature;
        var groupLayer = services.GetRequiredService<IGroupLayer>();
        var local = services.GetRequiredService<LocalGroups>();
        var calls = new RunningCalls(connection.Options.MaxConcurrentActionsPerConnection, connection.Options.MaxConcurrentStreamsPerConnection);
        var entries = new Entry[registrations.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var registration = registrations[i];
            var consumer = registration.Factory(services);
            var stream = multiplexed ? registration.Stream : null;
            var channel = new ConsumerChannel(consumer, registration.Hooks, connection, stream, groupLayer);
            var context = new ConsumerContext(channel, httpContext, stream, services, registration.Security);
            consumer.Attach(context);
            entries[i] = new Entry(
                registration.Stream is null ? [] : Encoding.UTF8.GetBytes(registration.Stream),
                channel,
                new ActionInvocation(context, channel, connection.Logger, readerOptions, calls),
                registration,
                registration.PlainJson ? new MessageInvocation(context, readerOptions) : null);
        }

        return new ConsumerSet(entries, multiplexed, connection, readerOptions, local, calls);
    }

    /// <summary>
    /// Makes the accepted consumers reachable: registers their channel names and joins their declared groups.
    /// </summary>
    /// <param name="declaredGroups">The groups a consumer's registration declares for this request (its templates, formatted).</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="InvalidOperationException">A declared group cannot be formatted (thrown by <paramref name="declaredGroups"/>).</exception>
    public async ValueTask JoinDeclaredGroupsAsync(Func<ConsumerRegistration, string[]> declaredGroups, CancellationToken cancellationToken)
    {
        foreach (var entry in _entries)
        {
            _local.RegisterChannel(entry.Channel);
            foreach (var group in declaredGroups(entry.Registration))
            {
                await entry.Channel.JoinAsync(group, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Handles one complete text message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="throttled">Over the rate limit: answered with 429 (with its action and request_id when readable), not handled.</param>
    public ValueTask HandleAsync(ReadOnlyMemory<byte> message, bool throttled = false)
    {
        if (!_multiplexed)
        {
            return DispatchAsync(_entries[0], message, throttled);
        }

        var frame = MultiplexedFrame.Parse(message.Span, _readerOptions);
        if (frame.Status != RequestParseStatus.Ok)
        {
            var prefix = frame.StreamLength > 0 ? StreamFraming.EncodePrefix(ReadStream(message, frame)) : null;
            Reject(prefix, throttled, frame.Error!);
            return ValueTask.CompletedTask;
        }

        var stream = message.Slice(frame.StreamStart, frame.StreamLength);
        var name = frame.StreamEscaped ? Encoding.UTF8.GetBytes(ReadStream(message, frame)) : stream;
        foreach (var entry in _entries)
        {
            if (entry.StreamUtf8.AsSpan().SequenceEqual(name.Span))
            {
                return DispatchAsync(entry, message.Slice(frame.PayloadStart, frame.PayloadLength), throttled);
            }
        }

        var streamName = ReadStream(message, frame);
        Reject(StreamFraming.EncodePrefix(streamName), throttled, ProtocolErrors.UnknownStream(streamName));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Answers a frame that never reached a consumer (binary, too big) without a stream wrapper: an error envelope, or
    /// <c>{"error"}</c> on a plain endpoint of a plain JSON consumer.
    /// </summary>
    /// <param name="throttled">Over the rate limit: answered with 429 and DRF's throttling text instead of <paramref name="error"/>.</param>
    /// <param name="error">What is wrong with the frame, answered with 400.</param>
    public void ReplyToBadFrame(bool throttled, string error)
    {
        (var status, error) = Rejection(throttled, error);
        if (!_multiplexed && _entries[0].Message is not null)
        {
            ConnectionLog.BadFrame(_connection.Logger, status, error);
            PlainMessages.SendError(_entries[0].Channel, error);
            return;
        }

        SendError(null, status, error, default);
    }

    /// <summary>
    /// Answers an <c>$ack</c> of the <c>consumers.resume</c> subprotocol without a usable <c>seq</c>: a bare 400
    /// envelope with <c>"action": "$ack"</c>, on every endpoint (control frames are never wrapped).
    /// </summary>
    public void ReplyToBadAck(string error)
    {
        ConnectionLog.BadFrame(_connection.Logger, StatusCodes.Status400BadRequest, error);
        _connection.TrySend(FrameBuilder.EnvelopeWithoutData(null, ResumeFrames.AckActionToken, StatusCodes.Status400BadRequest, ActionErrors.Messages(error), default));
    }

    /// <summary>
    /// After the connection has ended: waits for its concurrent actions and streams (cancelled with the connection) to
    /// finish, at most the close timeout; one that ignores its token is logged and left behind.
    /// </summary>
    public async Task WaitForCallsAsync()
    {
        if (!await _calls.WaitForEndAsync(_connection.Options.CloseTimeout).ConfigureAwait(false))
        {
            ConnectionLog.CallsOutlivedConnection(_connection.Logger, _connection.Options.CloseTimeout);
        }
    }

    public async ValueTask DisconnectAsync(WebSocketCloseStatus? closeStatus)
    {
        foreach (var entry in _entries)
        {
            // As Channels does: leave the groups first, then run the consumer's hook.
            await LeaveAsync(entry).ConfigureAwait(false);
            try
            {
                await entry.Channel.Hooks.DisconnectAsync(entry.Channel.Consumer, closeStatus).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ConnectionLog.DisconnectHandlerFailed(_connection.Logger, entry.Channel.Consumer.GetType().Name, ex);
            }
        }
    }

    private static string ReadStream(ReadOnlyMemory<byte> message, MultiplexedFrame frame)
    {
        // The stream token with its quotes, unescaped by a reader.
        var token = message.Slice(frame.StreamStart - 1, frame.StreamLength + 2).Span;
        var reader = new Utf8JsonReader(token);
        reader.Read();
        return reader.GetString()!;
    }

    private async ValueTask DispatchAsync(Entry entry, ReadOnlyMemory<byte> payload, bool throttled)
    {
        if (entry.Message is { } message)
        {
            // A plain JSON consumer: no action, no envelope (Channels' receive_json).
            await PlainMessages.HandleAsync(entry.Channel, message, payload, throttled, _readerOptions).ConfigureAwait(false);
            return;
        }

        var header = RequestParser.Parse(payload.Span, _readerOptions);
        var invocation = entry.Invocation;
        var requestId = header.RequestIdLength > 0 ? payload.Slice(header.RequestIdStart, header.RequestIdLength) : default;
        var actionToken = header.ActionLength > 0 ? payload.Slice(header.ActionStart, header.ActionLength) : default;
        if (throttled)
        {
            // DRF answers a throttled request like any refused one: the envelope keeps its action and request_id.
            var ok = header.Status == RequestParseStatus.Ok;
            invocation.Reset(payload, ok ? actionToken : default, default, ok || header.Status is RequestParseStatus.ActionMissing or RequestParseStatus.ActionNotAString ? requestId : default);
            await invocation.ReplyError(StatusCodes.Status429TooManyRequests, ActionErrors.Messages(ProtocolErrors.Throttled)).ConfigureAwait(false);
            return;
        }

        switch (header.Status)
        {
            case RequestParseStatus.Ok:
                break;
            case RequestParseStatus.ActionMissing:
                invocation.Reset(payload, default, default, requestId);
                ConnectionLog.BadFrame(_connection.Logger, StatusCodes.Status405MethodNotAllowed, ProtocolErrors.ActionMissing);
                await invocation.ReplyError(StatusCodes.Status405MethodNotAllowed, ActionErrors.Messages(ProtocolErrors.ActionMissing)).ConfigureAwait(false);
                return;
            case RequestParseStatus.ActionNotAString:
                invocation.Reset(payload, default, default, requestId);
                ConnectionLog.BadFrame(_connection.Logger, StatusCodes.Status400BadRequest, ProtocolErrors.ActionNotAString);
                await invocation.ReplyError(StatusCodes.Status400BadRequest, ActionErrors.Field("action", ProtocolErrors.ActionNotAString)).ConfigureAwait(false);
                return;
            default:
                invocation.Reset(payload, default, default, default);
                ConnectionLog.BadFrame(_connection.Logger, StatusCodes.Status400BadRequest, header.Error!);
                await invocation.ReplyError(StatusCodes.Status400BadRequest, ActionErrors.Messages(header.Error!)).ConfigureAwait(false);
                return;
        }

        var actionName = header.ActionEscaped ? Unescape(actionToken) : actionToken.Slice(1, actionToken.Length - 2);
        if (actionName.Span.SequenceEqual(CancelAction))
        {
            // Usually taken on arrival (TryCancelOnArrival); here when its action was written with escapes.
            Cancel(entry, actionToken.Span, requestId.Span);
            return;
        }

        invocation.Reset(payload, actionToken, actionName, requestId);
        invocation.Telemetry = ActionTelemetry.Start(entry.Registration.ConsumerName, actionName.Span, requestId.Span, _connection.HttpActivity);
        var channel = entry.Channel;
        var routed = true;
        channel.BeginAction();
        try
        {
            // The consumer's permissions come before the action lookup, as in DCRF: a denied user learns no action names.
            if (entry.Registration.Security.Permissions.Count > 0 &&
                await Security.ConsumerAuthorization.AuthorizeConsumerActionAsync(channel.Consumer, Encoding.UTF8.GetString(actionName.Span), _connection.Aborted).ConfigureAwait(false) is not 0 and var denied)
            {
                routed = false;
                await invocation.ReplyDenied(denied).ConfigureAwait(false);
                return;
            }

            await channel.Hooks.DispatchAsync(channel.Consumer, invocation).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // ActionException with its status, 500 for the rest; nothing when the connection is gone.
            invocation.ReplyToFailure(ex);
        }
        finally
        {
            // The reply is queued: subscriptions the action made may now receive notifications.
            channel.EndAction();

            // A concurrent action or a stream took its telemetry along and ends it when it ends.
            invocation.Telemetry.End(invocation.Status, routed);
        }
    }

    /// <summary>The reserved control action that cancels a running concurrent action or stream (docs/protocol.md).</summary>
    internal static ReadOnlySpan<byte> CancelAction => "$cancel"u8;

    /// <summary>
    /// Takes a <c>$cancel</c> as soon as it is read, ahead of the messages queued before it (an ordered action that runs
    /// long, or a concurrent one waiting for a slot, must not hold back the cancel that would free it). Cheap for every
    /// other message: one search for <c>$cancel</c> in its bytes. False when the message is not a readable
    /// <c>$cancel</c>: it then takes its place in the queue.
    /// </summary>
    /// <remarks>Runs on the reader's thread, beside the dispatching one: it touches only the running calls and the channel's send.</remarks>
    public bool TryCancelOnArrival(ReadOnlyMemory<byte> message)
    {
        if (message.Span.IndexOf(CancelAction) < 0)
        {
            return false;
        }

        var entry = _entries[0];
        var payload = message;
        if (_multiplexed)
        {
            var frame = MultiplexedFrame.Parse(message.Span, _readerOptions);
            if (frame.Status != RequestParseStatus.Ok || frame.StreamEscaped)
            {
                return false;
            }

            var stream = message.Span.Slice(frame.StreamStart, frame.StreamLength);
            var index = 0;
            while (index < _entries.Length && !_entries[index].StreamUtf8.AsSpan().SequenceEqual(stream))
            {
                index++;
            }

            if (index == _entries.Length)
            {
                return false;
            }

            entry = _entries[index];
            payload = message.Slice(frame.PayloadStart, frame.PayloadLength);
        }

        if (entry.Message is not null)
        {
            // A plain JSON consumer has no actions: its messages are its own.
            return false;
        }

        var header = RequestParser.Parse(payload.Span, _readerOptions);
        if (header.Status != RequestParseStatus.Ok || header.ActionEscaped
            || !payload.Span.Slice(header.ActionStart + 1, header.ActionLength - 2).SequenceEqual(CancelAction))
        {
            return false;
        }

        var requestId = header.RequestIdLength > 0 ? payload.Span.Slice(header.RequestIdStart, header.RequestIdLength) : default;
        Cancel(entry, payload.Span.Slice(header.ActionStart, header.ActionLength), requestId);
        return true;
    }

    // $cancel: cancels the consumer's running concurrent action or stream with this request_id, which then answers
    // (499, or a stream's 204 end envelope); the cancel itself is answered only when it finds nothing to cancel.
    private void Cancel(Entry entry, ReadOnlySpan<byte> actionToken, ReadOnlySpan<byte> requestId)
    {
        if (requestId.IsEmpty || requestId.SequenceEqual("null"u8))
        {
            ConnectionLog.BadFrame(_connection.Logger, StatusCodes.Status400BadRequest, ProtocolErrors.CancelWithoutRequestId);
            entry.Channel.Reply(actionToken, StatusCodes.Status400BadRequest, ActionErrors.Field("request_id", ProtocolErrors.CancelWithoutRequestId), default);
            return;
        }

        if (!_calls.TryCancel(entry.Channel, Encoding.UTF8.GetString(requestId)))
        {
            entry.Channel.Reply(actionToken, StatusCodes.Status404NotFound, ActionErrors.Messages(ProtocolErrors.NoRunningCall), requestId);
        }
    }

    private static ReadOnlyMemory<byte> Unescape(ReadOnlyMemory<byte> token)
    {
        var reader = new Utf8JsonReader(token.Span);
        reader.Read();
        return Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    /// <summary>
    /// The answer to a message that is not handled: a throttled one gets 429 with DRF's throttling text whatever else is
    /// wrong with it (DRF throttles before it parses), any other 400 with <paramref name="error"/>.
    /// </summary>
    private static (int Status, string Error) Rejection(bool throttled, string error)
        => throttled ? (StatusCodes.Status429TooManyRequests, ProtocolErrors.Throttled) : (StatusCodes.Status400BadRequest, error);

    // Answers a multiplexer frame that reaches no consumer (its stream, when readable, wraps the envelope).
    private void Reject(byte[]? streamPrefix, bool throttled, string error)
    {
        var (status, text) = Rejection(throttled, error);
        SendError(streamPrefix, status, text, default);
    }

    private void SendError(byte[]? streamPrefix, int status, string error, ReadOnlySpan<byte> requestId)
    {
        ConnectionLog.BadFrame(_connection.Logger, status, error);
        _connection.TrySend(FrameBuilder.EnvelopeWithoutData(streamPrefix, default, status, ActionErrors.Messages(error), requestId));
    }

    /// <summary>Undoes what a refused handshake's <c>OnConnectAsync</c> calls may have joined.</summary>
    public async ValueTask LeaveAllGroupsAsync()
    {
        foreach (var entry in _entries)
        {
            await LeaveAsync(entry).ConfigureAwait(false);
        }
    }

    // Makes a consumer unreachable: its channel name and every group it joined. A failing group layer is logged,
    // never thrown, so the disconnect hooks and the other consumers still run.
    private async ValueTask LeaveAsync(Entry entry)
    {
        _local.UnregisterChannel(entry.Channel);
        try
        {
            await entry.Channel.LeaveAllAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConnectionLog.LeaveGroupsFailed(_connection.Logger, entry.Channel.Consumer.GetType().Name, ex);
        }
    }

    private sealed record Entry(byte[] StreamUtf8, ConsumerChannel Channel, ActionInvocation Invocation, ConsumerRegistration Registration, MessageInvocation? Message);
}
