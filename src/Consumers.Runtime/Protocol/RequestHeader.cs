namespace Consumers.Protocol;

/// <summary>
/// What the runtime reads from a request before dispatch: where the <c>action</c> and <c>request_id</c> values
/// sit in the payload (raw JSON tokens, offsets into the payload), and whether the payload is well formed.
/// </summary>
internal struct RequestHeader
{
    public RequestParseStatus Status;

    /// <summary>Error text when <see cref="Status"/> is not <see cref="RequestParseStatus.Ok"/>.</summary>
    public string? Error;

    /// <summary>Offset and length of the raw <c>action</c> token (quotes included); length 0 when absent.</summary>
    public int ActionStart;
    public int ActionLength;

    /// <summary>Whether the action string contains JSON escapes and must be unescaped before matching.</summary>
    public bool ActionEscaped;

    /// <summary>Offset and length of the raw <c>request_id</c> value; length 0 when absent.</summary>
    public int RequestIdStart;
    public int RequestIdLength;
}

/// <summary>The outcome of reading a request frame.</summary>
internal enum RequestParseStatus
{
    Ok,
    Malformed,
    NotAnObject,
    ActionMissing,
    ActionNotAString,

    /// <summary>The <c>request_id</c> is longer than <see cref="ProtocolErrors.MaxRequestIdBytes"/>: 400, not echoed.</summary>
    RequestIdTooLong,
}
