using System.Collections.Concurrent;
using System.Net.WebSockets;
using Consumers.Diagnostics;
using Consumers.Groups;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// Runs one connection's messages and queued work one at a time, in the order they arrived, in delivery turns
/// (<see cref="DeliveryTurn"/>): what the handled messages send to a client leaves in one transport write per turn.
/// </summary>
/// <remarks>
/// <para>A message runs on the thread that queued it when no other runs (the reader: no thread-pool hop between reading
/// a message and its action); queued work from elsewhere (a group sender, an observer notification) starts a
/// thread-pool item. A message whose handling has to wait ends the turn (nothing waits for a waiting action), and its
/// continuation runs the rest of the queue in a turn of its own. A turn holds at most <see cref="MaxMessagesPerTurn"/>
/// messages, bounding how long a frame can be held.</para>
/// <para>Read-ahead is bounded here: at most <see cref="InboundQueueCapacity"/> messages and the message-size limit in
/// bytes wait; past that the reader waits (<see cref="WaitForRoomAsync"/>) and TCP slows the client down. Queued work
/// is bounded by the send queue's capacity: past it the consumer cannot keep up and is closed with 1008.</para>
/// <para>The queue is created with the first message or work item; an idle connection has none.</para>
/// </remarks>
internal sealed class ConnectionScheduler
{
    /// <summary>Messages read ahead while an action runs; past it (or past the size limit in bytes) the reader waits.</summary>
    public const int InboundQueueCapacity = 32;

    /// <summary>Messages handled in one delivery turn at most, bounding how long a frame can be held.</summary>
    public const int MaxMessagesPerTurn = 16;

    private readonly ConnectionLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly int _maxBytesAhead;
    private readonly int _maxWork;

    private ConcurrentQueue<InboundMessage>? _inbound;
    private ConsumerSet? _consumers;

    // 1 while a thread runs the connection's messages, or a message it started is still running (its continuation runs
    // the rest); 0 when none is. Whoever queues a message takes it when it is 0.
    private int _dispatching;
    private volatile bool _stopped;
    private TaskCompletionSource? _dispatchIdle;

    private int _inboundMessages;
    private int _inboundBytes;
    private int _pendingWork;
    private volatile bool _readerWaiting;
    private SemaphoreSlim? _inboundDrained;

    /// <param name="lifetime">The connection's close state: nothing runs once a close is requested or the socket is gone.</param>
    /// <param name="logger">Where runtime faults and a full work queue are logged.</param>
    /// <param name="maxBytesAhead">Bytes of messages read ahead at most (the message-size limit).</param>
    /// <param name="maxWork">Pieces of queued work waiting at most.</param>
    public ConnectionScheduler(ConnectionLifetime lifetime, ILogger logger, int maxBytesAhead, int maxWork)
    {
        _lifetime = lifetime;
        _logger = logger;
        _maxBytesAhead = maxBytesAhead;
        _maxWork = maxWork;
    }

    /// <summary>The consumers the messages go to; set before the first message.</summary>
    public ConsumerSet? Consumers
    {
        get => _consumers;
        set => _consumers = value;
    }

    /// <summary>Whether the reader may read on: fewer than the bounds of messages and bytes wait.</summary>
    public bool HasRoom => Volatile.Read(ref _inboundMessages) < InboundQueueCapacity && Volatile.Read(ref _inboundBytes) <= _maxBytesAhead;

    private ConcurrentQueue<InboundMessage> Inbound
    {
        get
        {
            if (Volatile.Read(ref _inbound) is { } queue)
            {
                return queue;
            }

            Interlocked.CompareExchange(ref _inbound, new ConcurrentQueue<InboundMessage>(), null);
            return _inbound;
        }
    }

    /// <summary>
    /// Queues a message the reader read (the scheduler returns its buffer to the pool once handled) and, when no other
    /// thread runs messages, runs the queue on this thread in the caller's delivery turn, which
    /// <paramref name="turnMessages"/> counts. Returns when the queue is empty or a message has to wait.
    /// </summary>
    public void AddAndRun(InboundMessage message, ref int turnMessages, ref bool turnOpen)
    {
        if (!message.Throttled && _consumers!.TryCancelOnArrival(message.Memory))
        {
            // A $cancel does not wait behind the messages it may have to free.
            message.Release();
            return;
        }

        Interlocked.Increment(ref _inboundMessages);
        Interlocked.Add(ref _inboundBytes, message.Memory.Length);
        Inbound.Enqueue(message);
        if (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
        {
            return;
        }

        if (!turnOpen)
        {
            turnOpen = true;
            DeliveryTurn.Begin();
        }

        Run(ref turnMessages);
    }

    /// <summary>
    /// Waits until the reader may read on (<see cref="HasRoom"/>). Cancelled with the connection.
    /// </summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var drained = Volatile.Read(ref _inboundDrained);
        if (drained is null)
        {
            Interlocked.CompareExchange(ref _inboundDrained, new SemaphoreSlim(0, 1), null);
            drained = _inboundDrained;
        }

        try
        {
            while (true)
            {
                // A full fence between announcing the wait and reading the counts: Handled decrements a count, then reads
                // _readerWaiting; without it the store could pass the reads, and both sides miss each other.
                _readerWaiting = true;
                Interlocked.MemoryBarrier();
                if (HasRoom)
                {
                    return;
                }

                await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _readerWaiting = false;
        }
    }

    /// <summary>
    /// Queues consumer work to run in order with the connection's messages. Never blocks: when the queue is full the
    /// work is dropped and counted, and the connection closed with 1008 (the consumer cannot keep up).
    /// </summary>
    public bool TryQueueWork(Func<ValueTask> work)
    {
        if (_stopped)
        {
            // The connection has ended: nothing runs any more.
            return false;
        }

        if (Interlocked.Increment(ref _pendingWork) <= _maxWork)
        {
            Inbound.Enqueue(new InboundMessage(work));

            // Not on the caller's thread (a group sender, an observer notification): a thread-pool item runs it.
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static scheduler => scheduler.RunTurn(), this, preferLocal: false);
            }

            return true;
        }

        // Never dropped silently: a consumer that cannot keep up with its notifications is closed (it resubscribes
        // when it reconnects), counted and logged, like a client that stops reading.
        Interlocked.Decrement(ref _pendingWork);
        if (!_lifetime.CloseRequested)
        {
            ConsumerMetrics.WorkQueueFull.Add(1);
            ConnectionLog.WorkQueueFull(_logger, _maxWork);
            _lifetime.RequestClose(WebSocketCloseStatus.PolicyViolation, "Consumer cannot keep up");
        }

        return false;
    }

    /// <summary>
    /// After the reader has ended: waits for a running message to finish, then keeps the queue for good, so nothing
    /// else runs; then releases what is still queued.
    /// </summary>
    public async Task StopAsync()
    {
        _stopped = true;
        while (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
        {
            var idle = Volatile.Read(ref _dispatchIdle);
            if (idle is null)
            {
                Interlocked.CompareExchange(ref _dispatchIdle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
                continue;
            }

            if (idle.Task.IsCompleted)
            {
                // Released once already, and taken again to skip messages queued meanwhile: a matter of microseconds.
                await Task.Yield();
            }
            else
            {
                await idle.Task.ConfigureAwait(false);
            }
        }

        if (Volatile.Read(ref _inbound) is { } inbound)
        {
            while (inbound.TryDequeue(out var message))
            {
                message.Release();
            }
        }
    }

    // Runs the queued messages in order on this thread, which has taken _dispatching and is in a delivery turn;
    // `turnMessages` counts the turn's messages, which end it at MaxMessagesPerTurn. Returns when the queue is empty (and
    // _dispatching is released) or when a message's handling has to wait: the frames sent so far leave at once, and the
    // handling's continuation runs the rest of the queue.
    private void Run(ref int turnMessages)
    {
        var inbound = Inbound;
        while (true)
        {
            while (inbound.TryDequeue(out var message))
            {
                if (++turnMessages > MaxMessagesPerTurn)
                {
                    DeliveryTurn.End();
                    DeliveryTurn.Begin();
                    turnMessages = 1;
                }

                var handling = HandleAsync(message);
                if (!handling.IsCompletedSuccessfully)
                {
                    DeliveryTurn.End();
                    DeliveryTurn.Begin();
                    turnMessages = 0;
                    _ = RunAfterAsync(handling);
                    return;
                }
            }

            // A full fence: StopAsync publishes its wait, then tests _dispatching.
            Interlocked.Exchange(ref _dispatching, 0);
            if (_stopped)
            {
                Volatile.Read(ref _dispatchIdle)?.TrySetResult();
            }

            // A message queued after the last TryDequeue found _dispatching taken: it is this thread's to run.
            if (inbound.IsEmpty || Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }
        }
    }

    // The continuation of a message whose handling waited: the connection's next messages run after it, in a turn of
    // their own on whichever thread completes it.
    private async Task RunAfterAsync(ValueTask handling)
    {
        await handling.ConfigureAwait(false);
        RunTurn();
    }

    private void RunTurn()
    {
        var turnMessages = 0;
        DeliveryTurn.Begin();
        try
        {
            Run(ref turnMessages);
        }
        finally
        {
            DeliveryTurn.End();
        }
    }

    private async ValueTask HandleAsync(InboundMessage message)
    {
        try
        {
            if (!_lifetime.IsAborted && !_lifetime.CloseRequested && !_stopped)
            {
                if (message.Work is { } work)
                {
                    await RunWorkAsync(work).ConfigureAwait(false);
                }
                else
                {
                    await _consumers!.HandleAsync(message.Memory, message.Throttled).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            // HandleAsync answers every failure of user code itself; reaching here is a runtime fault.
            ConnectionLog.DispatchFailed(_logger, ex);
            _lifetime.RequestClose(WebSocketCloseStatus.InternalServerError, "Server error");
        }
        finally
        {
            Handled(message);
        }
    }

    private async Task RunWorkAsync(Func<ValueTask> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsAborted)
        {
            // The connection is gone.
        }
        catch (Exception ex)
        {
            // A failing handler is the consumer's bug: logged, and the connection goes on.
            ConnectionLog.WorkFailed(_logger, ex);
        }
    }

    // A message or piece of work is done: its buffer goes back to the pool, and a reader waiting for room reads on.
    private void Handled(InboundMessage message)
    {
        if (message.Work is not null)
        {
            Interlocked.Decrement(ref _pendingWork);
            return;
        }

        Interlocked.Decrement(ref _inboundMessages);
        Interlocked.Add(ref _inboundBytes, -message.Memory.Length);
        message.Release();
        if (_readerWaiting && Volatile.Read(ref _inboundDrained) is { CurrentCount: 0 } drained)
        {
            try
            {
                drained.Release();
            }
            catch (SemaphoreFullException)
            {
                // Signalled already: the reader re-checks either way.
            }
        }
    }

    // ---- Backlog: read by a group layer pacing a burst (IGroupMember.Backlog), never on the send path ----

    /// <summary>Queued work (group event and notification handlers) as a fraction of its bound: 1 means the next item closes the connection.</summary>
    internal double WorkBacklog => (double)Volatile.Read(ref _pendingWork) / _maxWork;
}
