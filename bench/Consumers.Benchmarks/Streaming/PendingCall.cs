using System.Diagnostics;

namespace Consumers.Benchmarks.Streaming;

/// <summary>A call in flight on a <see cref="StreamClient"/>: its items so far, and the task its end completes.</summary>
internal sealed class PendingCall(int id, long sentAt)
{
    private readonly TaskCompletionSource<CallOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _items;
    private long _outOfOrder;
    private int _nextSeq;

    public int Id { get; } = id;

    public Task<CallOutcome> Done => _done.Task;

    /// <summary>Counts an item (on the receive loop) and checks that its <paramref name="seq"/> follows the previous one.</summary>
    public void Item(int seq)
    {
        if (seq != _nextSeq)
        {
            _outOfOrder++;
        }

        _nextSeq = seq + 1;
        _items++;
    }

    /// <summary>Ends the call (on the receive loop) with <paramref name="error"/>, or well when it is null.</summary>
    public void Complete(string? error, bool refused = false)
        => _done.TrySetResult(new CallOutcome(_items, _outOfOrder, error, refused, sentAt, Stopwatch.GetTimestamp()));
}
