using System.Text.Json.Serialization.Metadata;

namespace Consumers.Dispatch;

/// <summary>
/// Where a dispatched request's reply goes: the consumer's channel, which frames it (DCRF envelope, stream wrapper)
/// and queues it for the socket. Dispatch decides what to answer; it never writes frames itself.
/// </summary>
internal interface IReplySink
{
    /// <summary>Queues a reply with <c>data: null</c>.</summary>
    /// <param name="actionToken">The request's <c>action</c> as a JSON token (with quotes), or empty for <c>null</c>.</param>
    /// <param name="status">The <c>response_status</c>.</param>
    /// <param name="errors">The errors.</param>
    /// <param name="requestId">The request's <c>request_id</c> as a JSON token, or empty for <c>null</c>.</param>
    void Reply(ReadOnlySpan<byte> actionToken, int status, ActionErrors errors, ReadOnlySpan<byte> requestId);

    /// <summary>Queues a reply whose <c>data</c> is <paramref name="value"/>.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="actionToken">The request's <c>action</c> token.</param>
    /// <param name="status">The <c>response_status</c>.</param>
    /// <param name="value">The data.</param>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    /// <param name="errors">The errors.</param>
    /// <param name="requestId">The request's <c>request_id</c> token.</param>
    void Reply<T>(ReadOnlySpan<byte> actionToken, int status, T value, JsonTypeInfo<T> typeInfo, ActionErrors errors, ReadOnlySpan<byte> requestId);

    /// <summary>A mark of what the connection has queued so far, for <see cref="WaitForRoomAsync"/>.</summary>
    long QueueMark { get; }

    /// <summary>
    /// Completes when the frames queued before <paramref name="mark"/> are written and the connection's send queue is at
    /// most half full (in frames and in bytes): a stream waits here before it takes its next run of items, so a fast
    /// producer is paced by a slow reader instead of filling the queue.
    /// </summary>
    /// <param name="mark">A <see cref="QueueMark"/>, or 0.</param>
    /// <param name="cancellationToken">The stream's token.</param>
    /// <exception cref="OperationCanceledException">The stream was cancelled while waiting.</exception>
    ValueTask WaitForRoomAsync(long mark, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a delivery turn on this thread unless one is open: replies queued until <see cref="EndItems"/> leave in one
    /// write. True when this call opened it (and must close it).
    /// </summary>
    bool BeginItems();

    /// <summary>Closes the turn <see cref="BeginItems"/> opened; what it held is written.</summary>
    void EndItems();

    /// <summary>A concurrent action's reply (a stream's first frame) is queued: the subscriptions it made become active.</summary>
    /// <param name="call">The call.</param>
    void ActivateSubscriptions(DetachedCall call);
}
