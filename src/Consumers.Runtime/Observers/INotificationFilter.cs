namespace Consumers.Observers;

/// <summary>
/// Implemented by a consumer that re-checks, per notification, that a subscriber may still receive a change of an
/// observer, with the model rather than the JSON: <c>ModelConsumer</c> (Consumers.EntityFrameworkCore) does for its
/// instance subscriptions, whose row must still be in its queryable and pass its object permissions. The runtime asks
/// it for every notification that reaches the consumer; for an observer it filters, the consumer's object permissions
/// are not asked on JSON: <see cref="MayNotifyAsync"/> decides.
/// </summary>
internal interface INotificationFilter
{
    /// <summary>Whether this consumer re-checks the notifications of an observer (then <see cref="OnNotificationQueued"/> and <see cref="MayNotifyAsync"/> run for each).</summary>
    /// <param name="observerId">The observer id, <c>Consumer.Method</c>.</param>
    /// <returns>Whether <see cref="MayNotifyAsync"/> runs before each of this observer's notifications.</returns>
    bool FiltersNotifications(string observerId);

    /// <summary>
    /// Called synchronously when a notification of a filtered observer is queued for this consumer, on the thread that
    /// delivers it to every member of the group, before <see cref="MayNotifyAsync"/> runs in order with the connection's
    /// messages. Lets consumers of one type gather their re-checks of one change into one query. Must not block or do I/O.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <param name="group">The observer group of the change (as subscribed).</param>
    /// <param name="action">What happened.</param>
    /// <param name="handedToMembers">
    /// Completes once the notification has been handed to every member of its group on this node
    /// (<see cref="Groups.GroupMessage.HandedToMembers"/>): a batch of every subscriber's re-check starts after it.
    /// </param>
    void OnNotificationQueued(string observerId, string group, ModelAction action, Task handedToMembers);

    /// <summary>
    /// Decides whether one notification of a filtered observer reaches this consumer's subscribers; runs in order with
    /// the connection's messages.
    /// </summary>
    /// <param name="observerId">The observer id.</param>
    /// <param name="group">The observer group of the change (as subscribed).</param>
    /// <param name="action">What happened.</param>
    /// <param name="data">The serialized instance (UTF-8 JSON).</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    /// <returns><see langword="true"/> to send the notification.</returns>
    ValueTask<bool> MayNotifyAsync(string observerId, string group, ModelAction action, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
