namespace Consumers.Connections;

// What waits for this client, as others read it: the room a stream waits for before its next run of items, and the
// backlog a group layer paces a burst by. Neither is on the send path.
internal sealed partial class ConnectionWriter
{
    /// <summary>
    /// A mark of what this connection has queued so far: <see cref="WaitForRoomAsync"/> with it waits until those frames
    /// are written. A frame written directly (nothing queued) is never waited for.
    /// </summary>
    public long QueueMark => Volatile.Read(ref _writtenTotal) + Volatile.Read(ref _unwritten);

    // The frames queued before `mark` are written, and at most half of the queue's frames and bytes wait.
    private bool HasRoom(long mark)
        => Volatile.Read(ref _writtenTotal) >= mark
            && Volatile.Read(ref _unwritten) <= _queueCapacity / 2
            && (Volatile.Read(ref _queue)?.QueuedBytes ?? 0) <= _queueMaxBytes / 2;

    /// <summary>
    /// Completes when the frames queued before <paramref name="mark"/> (a <see cref="QueueMark"/>) are written and at
    /// most half of the send queue's frames and bytes wait; at once when they are. A stream waits here before each run
    /// of items: with the mark taken when its previous run began, one run is being written while the next is produced,
    /// and a slow reader paces the producer instead of filling the queue (no 1008, no growth), as SignalR's streams wait
    /// for their pipe's flush. Once a close is requested it completes only by cancellation (nothing more can be sent).
    /// </summary>
    /// <param name="mark">What must be written first; 0 for nothing.</param>
    /// <param name="cancellationToken">The stream's token (cancelled when the connection ends).</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask WaitForRoomAsync(long mark, CancellationToken cancellationToken)
        => HasRoom(mark) && !_closing ? ValueTask.CompletedTask : WaitForRoomSlowAsync(mark, cancellationToken);

    private async ValueTask WaitForRoomSlowAsync(long mark, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_closing)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            var room = Volatile.Read(ref _room);
            if (room is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = Interlocked.CompareExchange(ref _room, created, null) ?? created;
            }

            // Published before the check: the writer either sees the waiter or has made room already.
            if (HasRoom(mark))
            {
                return;
            }

            await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- Backlog: read by a group layer pacing a burst (IGroupMember.Backlog), never on the send path ----

    /// <summary>
    /// The fuller of this client's waiting frames and bytes (the send queue, written or not yet, and the deliveries
    /// held for a running action) as a fraction of the queue's bounds: 0 nothing waits, 1 the next frame may not fit.
    /// Read without locks: a moment's value, good enough to pace by.
    /// </summary>
    internal double Backlog
    {
        get
        {
            var frames = Volatile.Read(ref _unwritten) + (Volatile.Read(ref _held)?.Count ?? 0);
            var bytes = (Volatile.Read(ref _queue)?.QueuedBytes ?? 0) + Volatile.Read(ref _heldBytes);
            return Math.Max((double)frames / _queueCapacity, (double)bytes / _queueMaxBytes);
        }
    }
}
