namespace Consumers.Contracts;

/// <summary>
/// What the AsyncAPI document says about the protocol beyond the schemas (docs/protocol.md): the reply statuses, the
/// frames of a stream, concurrent actions and <c>$cancel</c>, and the extension fields that mark them.
/// </summary>
internal static class AsyncApiTexts
{
    /// <summary>The <c>response_status</c> values of a reply envelope.</summary>
    public const string StatusDescription =
        "200 on success (201 for create and subscribe_instance, 204 for delete and unsubscribe_instance); 400 invalid input, " +
        "401 not authenticated, 403 permission denied, 404 not found, 405 unknown action, 409 the request_id of a running " +
        "concurrent action or stream, 429 throttled, 499 a concurrent action cancelled by $cancel, 500 server error.";

    /// <summary>The operation extension marking an <c>[Action(Concurrent = true)]</c> action.</summary>
    public const string ConcurrentExtension = "x-consumers-concurrent";

    /// <summary>The operation extension marking a streaming action (its reply is the item message repeated, then the end message).</summary>
    public const string StreamExtension = "x-consumers-stream";

    /// <summary>The reserved control action.</summary>
    public const string CancelAction = "$cancel";

    /// <summary>Appended to a concurrent action's operation description.</summary>
    public const string ConcurrentOperationDescription =
        "Concurrent (x-consumers-concurrent): it runs beside the connection's other requests and its reply may overtake " +
        "theirs (match replies by request_id); $cancel with its request_id cancels it, answered with 499 [\"The call was cancelled.\"].";

    /// <summary>Appended to a streaming action's operation description.</summary>
    public const string StreamOperationDescription =
        "Streams its result (x-consumers-stream): the reply is the item message once per item (status 200), then the end " +
        "message (204, data null; an error status when refused or failed); $cancel with its request_id ends it with the 204 end message.";

    /// <summary>The item message of a stream.</summary>
    public const string StreamItemDescription = "One item of the stream, in order: status 200, the item as data. Any number of them precede the end message.";

    /// <summary>The end message of a stream.</summary>
    public const string StreamEndDescription =
        "The stream's last frame: 204 with data null when it finished or was cancelled by $cancel; an error status with " +
        "data null when it was refused or failed (then the only frame, or after the items sent before the failure).";

    /// <summary>The <c>response_status</c> values of a stream's end message.</summary>
    public const string StreamEndStatusDescription =
        "204 at the end (finished, or cancelled by $cancel); 400 invalid input, 401, 403, 405, 409 the request_id of a running " +
        "call, 429 past the connection's stream cap, 500 the action threw (or an ActionException's status).";

    /// <summary>The <c>$cancel</c> operation and its request.</summary>
    public const string CancelRequestDescription =
        "Cancels the running concurrent action or stream of this consumer whose request_id it names: the call's " +
        "CancellationToken is cancelled and the call answers itself (499 for a concurrent action, the 204 end message for a stream). " +
        "A successful $cancel gets no reply of its own. Ordered actions cannot be cancelled.";

    /// <summary>The <c>$cancel</c> reply.</summary>
    public const string CancelReplyDescription =
        "Sent only when nothing was cancelled: 404 [\"No running call has this request_id.\"] when no concurrent action or stream " +
        "of the consumer runs with that request_id (unknown, finished, or an ordered action); 400 without a request_id.";
}
