using System.Buffers;
using System.Net.WebSockets;
using Consumers.Diagnostics;
using Consumers.Groups;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// Everything one connection sends, and the one place that decides the order in which it leaves. The ordering rule:
/// <list type="number">
/// <item>a sender's frames leave in the order it sent them: a frame is written by its sender directly only when no
/// frame accepted before it is still unwritten (a count of queued frames not yet written, read under the stream's write lock);
/// frames a delivery turn holds (<see cref="PendingFrames"/>) leave before anything queued or written after them;</item>
/// <item>a reply leaves before the group messages and observer notifications its action caused: while an action runs
/// (<see cref="HoldDeliveries"/> … <see cref="ReleaseDeliveries"/>), what group layers deliver to this connection
/// (<see cref="TrySendDelivery"/>) waits, in order, and leaves after the action's reply (Channels handles a group
/// message after the handler that caused it has returned; DCRF front ends expect the reply first).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>No sender ever waits for this client: a frame is written from the sender's thread when nothing is waiting and
/// no write is in progress (as SignalR's <c>HubConnectionContext</c> writes), held for the end of a delivery turn, or
/// queued for the writer loop, which writes what is queued in batches (<see cref="SendQueue"/>). A queue full in frames
/// or bytes means the client stopped reading: the frame is dropped and the connection closed with 1008.</para>
/// <para>Nothing is allocated for an idle connection beyond this object: the queue and its writer loop start with the
/// first frame that has to wait, the held-frames buffer with the first frame held.</para>
/// </remarks>
internal sealed partial class ConnectionWriter : IHeldWrites
{
    private readonly ConnectionLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly int _queueCapacity;
    private readonly int _queueMaxBytes;

    // Guards the queue's creation, the writer loop's start and the deliveries held while an action runs.
    private readonly object _gate = new();
    private SendQueue? _queue;
    private Task? _loop;
    private Task? _close;
    private WebSocket? _socket;

    // The upgraded stream once the socket runs, for direct writes; null before, and where there is none (HTTP/2).
    private FrameBatchingStream? _direct;
    private bool _batchEnvelopes;

    // Frames held by delivery turns (DeliveryTurn), written before anything queued or written after them; as one JSON
    // array frame for a client of the batch subprotocol. Created with the first frame held.
    private PendingFrames? _pending;

    // Actions running (their replies not yet sent), and the deliveries that wait for them.
    private int _holds;
    private List<OutboundFrame>? _held;
    private int _heldBytes;

    // The client stopped reading: what waits for it is dropped, not written.
    private volatile bool _dropping;

    // What every send reads is kept here, not in the queue or the lifetime, so that a delivery touches one object of the
    // connection: frames accepted into the queue and not yet written, and whether a close was requested.
    private int _unwritten;
    private volatile bool _closing;

    // Streams waiting for room (WaitForRoomAsync); created by the first wait, completed by the writer loop after a batch.
    private TaskCompletionSource? _room;

    // Queued frames written (or dropped) since the start, for the marks of WaitForRoomAsync; written by the writer loop only.
    private long _writtenTotal;

    /// <param name="lifetime">The connection's close state; the writer completes its queue when a close is requested.</param>
    /// <param name="logger">Where a full queue and a failed write are logged.</param>
    /// <param name="queueCapacity">Frames that may wait for this client at most.</param>
    /// <param name="queueMaxBytes">Bytes that may wait for this client at most.</param>
    public ConnectionWriter(ConnectionLifetime lifetime, ILogger logger, int queueCapacity, int queueMaxBytes)
    {
        _lifetime = lifetime;
        _logger = logger;
        _queueCapacity = queueCapacity;
        _queueMaxBytes = queueMaxBytes;
        lifetime.OnClose(this);
    }

    /// <summary>
    /// Starts writing to <paramref name="socket"/>: frames sent before wait in the queue until now. With
    /// <paramref name="stream"/> (the upgraded HTTP/1.1 stream under the socket), senders write to it directly and the
    /// writer batches; without it (HTTP/2, test servers), every frame goes through the socket, one send per frame.
    /// </summary>
    /// <param name="socket">The accepted WebSocket: the writer loop's sends (without <paramref name="stream"/>) and the close frame.</param>
    /// <param name="stream">The upgraded stream under <paramref name="socket"/>, or null.</param>
    /// <param name="batchEnvelopes">Whether the client accepted <c>consumers.batch</c>: waiting envelopes may leave as one JSON array frame.</param>
    public void Start(WebSocket socket, FrameBatchingStream? stream, bool batchEnvelopes)
    {
        _batchEnvelopes = batchEnvelopes;
        lock (_gate)
        {
            // Frames queued before now keep direct writes off until the writer loop has written them.
            Volatile.Write(ref _direct, stream);
            Volatile.Write(ref _socket, socket);
            StartLoopIfReady();
            if (_lifetime.CloseRequested)
            {
                _close ??= SendCloseAsync(socket);
            }
        }
    }

    /// <summary>
    /// Sends a frame without ever blocking: written from this thread when nothing is waiting and no write is in progress,
    /// held for the end of this thread's delivery turn, or queued for the writer. A full queue drops the frame and closes
    /// the connection with 1008.
    /// </summary>
    /// <returns><see langword="false"/> when the frame was dropped.</returns>
    public bool TrySend(OutboundFrame frame)
    {
        if (Volatile.Read(ref _direct) is { } stream && Volatile.Read(ref _unwritten) == 0)
        {
            // In a delivery turn the frame waits for the turn's end, to leave with the others sent to this client.
            if (DeliveryTurn.IsOpen && TryHold(frame))
            {
                // Another thread may have queued a frame between the check above and the hold, and the writer loop may
                // be writing a batch of the queue already past its write of the held frames: a flush mark queued now
                // ends that batch before anything this thread queues next, so this frame still leaves first. (Read with
                // a full fence: the hold's store must not pass this load.) A resumable connection's hold checks that
                // nothing is queued under the lock that numbers the loop's frames, so no such frame exists there.
                if (_resume is null && Interlocked.CompareExchange(ref _unwritten, 0, 0) != 0)
                {
                    Enqueue(OutboundFrame.Flush);
                }

                return true;
            }

            if (TryWriteNow(stream, frame))
            {
                return true;
            }
        }

        return _resume is null ? Enqueue(frame) : EnqueueAll(new ReadOnlySpan<OutboundFrame>(in frame));
    }

    /// <summary>
    /// Sends a frame a group layer delivered (a group message, an observer notification): as <see cref="TrySend"/>,
    /// except that while an action runs on this connection it waits until the action's reply has been sent.
    /// </summary>
    /// <returns><see langword="false"/> when the frame was dropped.</returns>
    public bool TrySendDelivery(OutboundFrame frame)
    {
        if (Volatile.Read(ref _holds) != 0)
        {
            lock (_gate)
            {
                if (_holds != 0)
                {
                    return Defer(frame);
                }
            }
        }

        return TrySend(frame);
    }

    /// <summary>An action starts: deliveries wait until <see cref="ReleaseDeliveries"/>.</summary>
    public void HoldDeliveries()
    {
        lock (_gate)
        {
            _holds++;
        }
    }

    /// <summary>The action's reply is sent: the deliveries that waited for it leave, in the order they arrived.</summary>
    public void ReleaseDeliveries()
    {
        lock (_gate)
        {
            // Sent before the count drops, under the lock: a delivery arriving meanwhile waits for the lock, then goes
            // after them.
            if (_holds == 1 && _held is { Count: > 0 } held)
            {
                if (_heldOrigins)
                {
                    // In one go: an $origin frame stays right before the frames it describes.
                    EnqueueAll(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(held));
                    _heldOrigins = false;
                }
                else
                {
                    foreach (var frame in held)
                    {
                        TrySend(frame);
                    }
                }

                held.Clear();
                _heldBytes = 0;
            }

            _holds--;
        }
    }

    // Under _gate: keeps a delivery for the end of the running action, within the send queue's bounds.
    private bool Defer(OutboundFrame frame)
    {
        var held = _held ??= [];
        if (held.Count >= _queueCapacity || (_heldBytes > 0 && _heldBytes + frame.Memory.Length > _queueMaxBytes))
        {
            Drop(frame);
            return false;
        }

        held.Add(frame);
        _heldBytes += frame.Memory.Length;
        return true;
    }

    // The writer's queue: bounded in frames and bytes; past either bound the client is not reading and is closed.
    private bool Enqueue(OutboundFrame frame)
    {
        var queue = Volatile.Read(ref _queue) ?? CreateQueue();
        Interlocked.Increment(ref _unwritten);
        if (queue.TryAdd(frame))
        {
            return true;
        }

        Interlocked.Decrement(ref _unwritten);
        Drop(frame);
        return false;
    }

    private void Drop(OutboundFrame frame)
    {
        frame.Release();
        if (_lifetime.CloseRequested)
        {
            return;
        }

        ConsumerMetrics.SendQueueFull.Add(1);
        var unacknowledged = WindowFull;
        if (unacknowledged)
        {
            // The frames waited for an $ack that did not come: the client reads, but does not acknowledge.
            ResumeLog.ResumeBufferFull(_logger, _resume!.Buffer.MaxBytes);
        }
        else
        {
            ConnectionLog.SendQueueFull(_logger, _queueCapacity, _queueMaxBytes);
        }

        _dropping = true;
        Volatile.Read(ref _queue)?.DropAll();
        _lifetime.RequestClose(WebSocketCloseStatus.PolicyViolation, unacknowledged ? "Resume buffer full" : "Send queue full");
    }

    private SendQueue CreateQueue()
    {
        lock (_gate)
        {
            if (_queue is { } existing)
            {
                return existing;
            }

            var queue = new SendQueue(_queueCapacity, _queueMaxBytes) { Recorder = _resume?.Buffer };
            Volatile.Write(ref _queue, queue);

            // Published before the check: a close requested meanwhile either completes it or is seen here.
            if (_dropping)
            {
                queue.DropAll();
            }

            if (_lifetime.CloseRequested)
            {
                queue.Complete();
            }

            StartLoopIfReady();
            return queue;
        }
    }

    // Under _gate: the writer loop runs once there is a socket and a queue.
    private void StartLoopIfReady()
    {
        if (_loop is null && _socket is { } socket && _queue is { } queue)
        {
            _loop = _resume is null
                ? WriterLoop.RunAsync(this, queue, socket, Volatile.Read(ref _direct), _batchEnvelopes)
                : WriterLoop.RunResumableAsync(this, queue, _batchEnvelopes);
        }
    }

    /// <summary>The close deadline passed: a send still waiting fails.</summary>
    internal void AbortSocket() => Volatile.Read(ref _socket)?.Abort();

    /// <summary>The close was requested: no more frames are accepted; once the socket runs, the close frame follows the queued ones.</summary>
    internal void BeginClose()
    {
        _closing = true;
        Volatile.Read(ref _queue)?.Complete();
        _resume?.Buffer.Wake();
        lock (_gate)
        {
            if (_socket is { } socket)
            {
                _close ??= SendCloseAsync(socket);
            }
        }
    }

    /// <summary>
    /// Finishes sending after a close was requested (<see cref="ConnectionLifetime.RequestClose"/> starts it): completes
    /// when the queued frames are written (or dropped), the held ones too, and the close frame is sent, unless the socket
    /// failed or the close deadline passed. Never throws.
    /// </summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            return _close ?? Task.CompletedTask;
        }
    }

    private async Task SendCloseAsync(WebSocket socket)
    {
        // Not on the caller's thread: the close is requested from senders, readers and timers alike.
        await Task.Yield();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        await WriterLoop.CloseAsync(this, loop, socket, Volatile.Read(ref _direct), _lifetime).ConfigureAwait(false);
    }

    /// <summary>Releases every frame still waiting (the connection has ended).</summary>
    public void Drain()
    {
        Volatile.Read(ref _queue)?.Drain();
        Interlocked.CompareExchange(ref _pending, new PendingFrames(asArray: false), null);
        _pending.Close();
        lock (_gate)
        {
            if (_held is { } held)
            {
                foreach (var frame in held)
                {
                    frame.Release();
                }

                held.Clear();
            }
        }
    }

    /// <summary>
    /// The writer loop wrote (or dropped) <paramref name="frames"/> queued frames: direct writes may resume when none is
    /// left, and streams waiting for room check again.
    /// </summary>
    internal void Written(int frames)
    {
        Volatile.Write(ref _writtenTotal, _writtenTotal + frames);
        Interlocked.Add(ref _unwritten, -frames);
        if (Volatile.Read(ref _room) is { } room)
        {
            Interlocked.CompareExchange(ref _room, null, room);
            room.TrySetResult();
        }
    }

    /// <summary>A write failed: the connection is aborted (never thrown into user code).</summary>
    internal void OnSendFailed(Exception ex)
    {
        ConnectionLog.SendFailed(_logger, ex);
        Volatile.Read(ref _socket)?.Abort();
        _lifetime.Abort();
    }
}
