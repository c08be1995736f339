using System.Diagnostics;

namespace Consumers.Benchmarks;

/// <summary>
/// Frames received by each WebSocket client, and a wait for the slowest of them to reach a count. The sender uses
/// it as a sliding window so that no client's server-side send queue overflows (the runtime closes a client whose
/// queue is full), and the measurement uses it to find the moment the last client got the last message.
/// </summary>
internal sealed class DeliveryTracker
{
    // One cache line per client: the clients' receive loops increment concurrently.
    private const int Stride = 8;

    private readonly long[] _counts;
    private long _target;
    private long _reachedAt;
    private TaskCompletionSource? _waiter;

    public DeliveryTracker(int clients)
    {
        Clients = clients;
        _counts = new long[clients * Stride];
    }

    public int Clients { get; }

    /// <summary>When the last wait completed (a <see cref="Stopwatch"/> timestamp taken by the client that completed it).</summary>
    public long ReachedAt => Volatile.Read(ref _reachedAt);

    public long CountOf(int client) => Volatile.Read(ref _counts[client * Stride]);

    public long Min()
    {
        var min = long.MaxValue;
        for (var i = 0; i < Clients; i++)
        {
            min = Math.Min(min, CountOf(i));
        }

        return min;
    }

    public long Total()
    {
        long total = 0;
        for (var i = 0; i < Clients; i++)
        {
            total += CountOf(i);
        }

        return total;
    }

    /// <summary>Called by client <paramref name="client"/>'s receive loop for each complete frame.</summary>
    public void OnFrame(int client)
    {
        var count = Interlocked.Increment(ref _counts[client * Stride]);

        // Interlocked above and in WaitForMinAsync: either this sees the waiter or the waiter's check sees this count.
        if (Volatile.Read(ref _waiter) is not null && count >= Volatile.Read(ref _target))
        {
            TryRelease();
        }
    }

    /// <summary>Completes when every client has received at least <paramref name="target"/> frames. One waiter at a time.</summary>
    public Task WaitForMinAsync(long target)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, target);
        Interlocked.Exchange(ref _waiter, waiter);
        TryRelease();
        return waiter.Task;
    }

    private void TryRelease()
    {
        if (Min() >= Volatile.Read(ref _target) && Interlocked.Exchange(ref _waiter, null) is { } waiter)
        {
            Volatile.Write(ref _reachedAt, Stopwatch.GetTimestamp());
            waiter.TrySetResult();
        }
    }
}
