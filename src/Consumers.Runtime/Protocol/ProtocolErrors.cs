namespace Consumers.Protocol;

/// <summary>
/// The error messages of the wire protocol: DCRF's and DRF's texts where they have one. The public ones are the
/// messages of the generated binders (a request key of the wrong type, or null), which run in the application's assembly.
/// </summary>
public static class ProtocolErrors
{
    /// <summary>DCRF: <c>Unable to find action in message body.</c></summary>
    internal const string ActionMissing = "Unable to find action in message body.";

    /// <summary>DRF's <c>required</c> message.</summary>
    internal const string Required = "This field is required.";

    /// <summary>DRF's <c>null</c> message.</summary>
    public const string NotNull = "This field may not be null.";

    /// <summary>DRF's <c>IntegerField.invalid</c>.</summary>
    public const string InvalidInteger = "A valid integer is required.";

    /// <summary>DRF's <c>FloatField.invalid</c>.</summary>
    public const string InvalidNumber = "A valid number is required.";

    /// <summary>DRF's <c>BooleanField.invalid</c>.</summary>
    public const string InvalidBoolean = "Must be a valid boolean.";

    /// <summary>DRF's <c>CharField.invalid</c>.</summary>
    public const string InvalidString = "Not a valid string.";

    /// <summary>DRF's <c>UUIDField.invalid</c>.</summary>
    public const string InvalidUuid = "Must be a valid UUID.";

    /// <summary>DRF's <c>DateTimeField.invalid</c>, shortened.</summary>
    public const string InvalidDateTime = "Datetime has wrong format. Use ISO 8601.";

    /// <summary>500 text: never an exception message or stack trace.</summary>
    internal const string InternalServerError = "Internal server error";

    /// <summary>DCRF's 405 text for an unknown action.</summary>
    /// <param name="action">The action as sent (the runtime shortens names longer than 128 characters, as in logs).</param>
    internal static string MethodNotAllowed(string action) => $"Method \"{action}\" not allowed.";

    /// <summary>The 400 text for a binary frame.</summary>
    internal const string BinaryFrame = "Binary frames are not supported; send one JSON object per text frame.";

    /// <summary>The 400 text for a message over the size limit.</summary>
    /// <param name="limit">The limit in bytes.</param>
    internal static string MessageTooBig(int limit) => $"Message exceeds the maximum size of {limit} bytes.";

    /// <summary>The 400 text for an action that is not a string.</summary>
    internal const string ActionNotAString = "The action must be a string.";

    /// <summary>The 400 text for a multiplexed frame naming no known stream (a name longer than 128 characters is shortened).</summary>
    /// <param name="stream">The stream as sent.</param>
    internal static string UnknownStream(string stream) => $"Unknown stream \"{Diagnostics.LogValue.Truncate(stream)}\".";

    /// <summary>The 400 prefix for a value that does not deserialize.</summary>
    /// <param name="path">The JSON path inside the argument, e.g. <c>$.name</c>.</param>
    internal static string InvalidValue(string? path) => path is null or "$" ? "Invalid value." : $"Invalid value at {path}.";

    /// <summary>
    /// The <c>{"error"}</c> text of a plain JSON message (a <c>[Receive]</c> consumer's) that does not fit
    /// the handler's message type.
    /// </summary>
    /// <param name="path">The JSON path of the offending value, e.g. <c>$.message</c>, or null.</param>
    internal static string InvalidMessage(string? path) => path is null or "$"
        ? "The message does not have the expected shape."
        : $"The message does not have the expected shape at {path}.";

    /// <summary>DRF's <c>NotAuthenticated</c> text (401).</summary>
    internal const string NotAuthenticated = "Authentication credentials were not provided.";

    /// <summary>DRF's <c>PermissionDenied</c> text (403).</summary>
    internal const string PermissionDenied = "You do not have permission to perform this action.";

    /// <summary>DRF's <c>Throttled</c> text (429), without the wait estimate.</summary>
    internal const string Throttled = "Request was throttled.";

    /// <summary>429 when a consumer would hold more observer subscriptions than allowed.</summary>
    internal static string TooManySubscriptions(int max) => $"Too many subscriptions: at most {max.ToString(System.Globalization.CultureInfo.InvariantCulture)} per consumer.";

    /// <summary>429 when a connection would run more streams than allowed.</summary>
    internal static string TooManyStreams(int max) => $"Too many streams: at most {max.ToString(System.Globalization.CultureInfo.InvariantCulture)} per connection.";

    /// <summary>409 when a concurrent action or stream reuses the <c>request_id</c> of a call of the consumer still running.</summary>
    internal const string CallRunning = "A call with this request_id is still running.";

    /// <summary>400 when <c>$cancel</c> names no <c>request_id</c>.</summary>
    internal const string CancelWithoutRequestId = "$cancel needs the request_id of the call to cancel.";

    /// <summary>404 when <c>$cancel</c> names no running concurrent action or stream of the consumer.</summary>
    internal const string NoRunningCall = "No running call has this request_id.";

    /// <summary>499 (nginx's "client closed request") for a concurrent action cancelled by <c>$cancel</c>.</summary>
    internal const string CallCancelled = "The call was cancelled.";

    /// <summary>429 when a user would hold more observer subscriptions than allowed over its connections on this node.</summary>
    internal static string TooManySubscriptionsPerUser(int max) => $"Too many subscriptions: at most {max.ToString(System.Globalization.CultureInfo.InvariantCulture)} per user.";

    /// <summary>The 400 text for a string whose escapes are no text, such as a lone surrogate <c>"\ud800"</c>.</summary>
    /// <param name="position">Byte offset of the string in the message.</param>
    internal static string InvalidEscape(long position) => $"Invalid escape in the string at byte {position}: not a valid UTF-16 character.";

    /// <summary>The 400 text for a <c>request_id</c> longer than <see cref="MaxRequestIdBytes"/>.</summary>
    internal const string RequestIdTooLong = "The request_id must be at most 256 bytes of JSON.";

    /// <summary>
    /// Longest <c>request_id</c> in bytes of JSON (quotes and escapes included). Every reply and every notification of a
    /// subscription echoes it, so its size multiplies; a longer one gets a 400 envelope (with <c>request_id: null</c>)
    /// and the connection stays open.
    /// </summary>
    internal const int MaxRequestIdBytes = 256;
}
