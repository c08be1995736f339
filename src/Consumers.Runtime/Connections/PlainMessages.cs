using System.Text.Json;
using Consumers.Diagnostics;
using Consumers.Dispatch;
using Consumers.Protocol;
using Consumers.Security;
using Microsoft.AspNetCore.Http;

namespace Consumers.Connections;

/// <summary>
/// The connection's side of a plain JSON consumer (Channels' <c>JsonWebsocketConsumer</c>, a
/// <see cref="ReceiveAttribute"/> handler): checks each message, hands it to the generated receiver, and answers what
/// went wrong with one <c>{"error": "..."}</c> frame instead of a DCRF envelope. The socket stays open in every case.
/// </summary>
internal static class PlainMessages
{
    /// <summary>The name consumer-level permissions see in <see cref="PermissionContext.Action"/> for a plain message.</summary>
    public const string PermissionAction = "receive";

    /// <summary>Handles one message of a plain consumer, on the connection's sequential work path.</summary>
    /// <param name="channel">The consumer's channel (its stream wrapper frames the error, if any).</param>
    /// <param name="invocation">The consumer's reusable invocation.</param>
    /// <param name="payload">The message (the stream's payload on a multiplexed endpoint).</param>
    /// <param name="throttled">Over the rate limit: answered, not handled.</param>
    /// <param name="readerOptions">The connection's JSON reader limits.</param>
    public static async ValueTask HandleAsync(ConsumerChannel channel, MessageInvocation invocation, ReadOnlyMemory<byte> payload, bool throttled, JsonReaderOptions readerOptions)
    {
        var connection = channel.Connection;
        if (throttled)
        {
            SendError(channel, ProtocolErrors.Throttled);
            return;
        }

        // The same well-formedness rules as requests: one JSON object, nothing after it, valid escapes.
        var header = RequestParser.Parse(payload.Span, readerOptions);
        if (header.Status is RequestParseStatus.Malformed or RequestParseStatus.NotAnObject)
        {
            ConnectionLog.BadFrame(connection.Logger, StatusCodes.Status400BadRequest, header.Error!);
            SendError(channel, header.Error!);
            return;
        }

        var consumer = channel.Consumer;

        // A span named {Consumer}/receive, with the status an action would have had (200, 400, 401/403, 500).
        var telemetry = ActionTelemetry.Start(consumer.GetType().Name, "receive"u8, default, connection.HttpActivity);
        var status = StatusCodes.Status200OK;
        try
        {
            if (consumer.Context.Security.Permissions.Count > 0 &&
                await ConsumerAuthorization.AuthorizeConsumerActionAsync(consumer, PermissionAction, connection.Aborted).ConfigureAwait(false) is not 0 and var denied)
            {
                status = denied;
                ConsumerMetrics.ActionsDenied.Add(1);
                SecurityLog.ActionDenied(connection.Logger, PermissionAction, denied);
                SendError(channel, denied == StatusCodes.Status401Unauthorized ? ProtocolErrors.NotAuthenticated : ProtocolErrors.PermissionDenied);
                return;
            }

            invocation.Reset(payload);
            await channel.Hooks.ReceiveAsync(consumer, invocation).ConfigureAwait(false);
            if (invocation.Error is { } error)
            {
                status = StatusCodes.Status400BadRequest;
                ConnectionLog.BadFrame(connection.Logger, StatusCodes.Status400BadRequest, error);
                SendError(channel, error);
            }
        }
        catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
        {
            // The connection is gone; there is nobody to answer.
            status = 0;
        }
        catch (Exception ex)
        {
            // As an action's 500: logged with the exception, the client learns nothing of it, the socket stays open.
            status = StatusCodes.Status500InternalServerError;
            ConsumerMetrics.ActionsFailed.Add(1);
            ConnectionLog.ReceiveFailed(connection.Logger, consumer.GetType().Name, ex);
            SendError(channel, ProtocolErrors.InternalServerError);
        }
        finally
        {
            telemetry.End(status);
        }
    }

    /// <summary>Queues <c>{"error": "..."}</c> for the consumer (in its stream on a multiplexed endpoint).</summary>
    public static void SendError(ConsumerChannel channel, string error)
        => channel.TrySend(FrameBuilder.PlainError(channel.StreamPrefix, error));
}
