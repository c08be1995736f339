using System.Net.WebSockets;

namespace Consumers.Connections;

/// <summary>
/// The resumable side of one connection of the <c>consumers.resume</c> subprotocol: its id and user (what its tokens
/// name), the generation of its newest token, the frames the client has not acknowledged (<see cref="Buffer"/>), and
/// the hand-over of a parked session to the socket of a client that came back.
/// </summary>
/// <remarks>
/// States, under one lock: <em>connected</em> (a socket runs); <em>parked</em> (the socket dropped: <see cref="ParkAsync"/>
/// waits for a resume, the end of the window, a buffer overflow or the host's shutdown); <em>claimed</em> (a resume
/// request has taken it: no window ends it any more, and a socket the server still thought alive is aborted); and
/// <em>ended</em> (no resume will take it). A claim hands its socket over with <see cref="HandOver"/>.
/// </remarks>
internal sealed class ResumeSession
{
    private readonly object _lock = new();
    private TaskCompletionSource<ResumeHandover?>? _waiter;
    private CancellationTokenSource? _window;
    private ResumeHandover? _handover;
    private bool _claimed;
    private bool _handedOver;
    private bool _ended;
    private WebSocket? _socket;
    private long _received;

    /// <param name="id">The session id its tokens name (the connection's id).</param>
    /// <param name="userId">The id of the authenticated user (null: anonymous); a token of another user is refused.</param>
    /// <param name="maxBytes">The bound of <see cref="Buffer"/>.</param>
    public ResumeSession(string id, string? userId, int maxBytes)
    {
        Id = id;
        UserId = userId;
        Buffer = new ResumeBuffer(maxBytes, OnOverflow);
    }

    /// <summary>The WebSocket subprotocol a client offers to get resumable connections.</summary>
    public const string Subprotocol = Protocol.ResumeFrames.Subprotocol;

    /// <summary>The query parameter of a reconnect that carries the token of the <c>$resume</c> frame.</summary>
    public const string TokenParameter = Protocol.ResumeFrames.TokenParameter;

    /// <summary>The query parameter of a reconnect that carries the number of the last frame the client received.</summary>
    public const string SeqParameter = Protocol.ResumeFrames.SeqParameter;

    public string Id { get; }

    public string? UserId { get; }

    /// <summary>The generation of the newest token: only a token of this generation resumes the session.</summary>
    public int Generation { get; private set; }

    /// <summary>The frames sent and not acknowledged.</summary>
    public ResumeBuffer Buffer { get; }

    /// <summary>
    /// Called, once, when the buffer overflows while a socket runs: the connection closes it with 1008. Set by the
    /// connection before its first frame.
    /// </summary>
    public Action? OverflowedWhileConnected { get; set; }

    /// <summary>The <c>$resume</c> frame of a socket of this session (see <see cref="Protocol.ResumeFrames.Resume"/>).</summary>
    public byte[] Answer(string outcome, string token, long seq) => Protocol.ResumeFrames.Resume(outcome, token, seq, Volatile.Read(ref _received));

    /// <summary>
    /// The client's frames the server has read in this session, <c>$ack</c>s not counted (counted by the reader of the
    /// socket that runs): a client that comes back sends again what it sent after them.
    /// </summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>The reader read a frame of the client (not an <c>$ack</c>).</summary>
    public void CountReceived() => Volatile.Write(ref _received, _received + 1);

    /// <summary>The socket that runs now (aborted when a resume claims the session before the drop was noticed).</summary>
    public void Connected(WebSocket socket)
    {
        lock (_lock)
        {
            _socket = socket;
        }
    }

    /// <summary>
    /// Claims the session for a client that came back with a token of <paramref name="generation"/> and every frame up to
    /// <paramref name="seq"/>; then hand its socket over with <see cref="HandOver"/>. A token of the newest generation
    /// whose <paramref name="seq"/> is not held (below what was acknowledged, past the last frame, or after an overflow)
    /// ends the session: its client starts afresh, and nothing else can resume it.
    /// </summary>
    /// <returns>Null when claimed, else why not (for the log).</returns>
    public string? TryClaim(int generation, long seq)
    {
        WebSocket? drop = null;
        TaskCompletionSource<ResumeHandover?>? parked = null;
        string? refusal = null;
        lock (_lock)
        {
            if (_ended)
            {
                return "the session has ended";
            }

            if (_claimed)
            {
                return "the session is being resumed already";
            }

            if (generation != Generation)
            {
                return "the token was replaced by a newer one";
            }

            if (Buffer.HoldsAfter(seq))
            {
                _claimed = true;
            }
            else
            {
                // The client holding the newest token starts afresh: nothing will resume this session any more, so it
                // ends now rather than at the end of its window (its lease, memory and OnDisconnectAsync with it).
                refusal = "the frames after consumers_seq are no longer held; the session ends";
                _ended = true;
                parked = _waiter;
                _waiter = null;
            }

            _window?.Dispose();
            _window = null;
            if (_waiter is null && parked is null)
            {
                // The server has not noticed the drop yet: the old socket goes now, and the session parks at once (or,
                // ended, does not).
                drop = _socket;
            }
        }

        parked?.TrySetResult(null);
        drop?.Abort();
        return refusal;
    }

    /// <summary>
    /// Gives a claimed session its new socket (or null when it could not be accepted: the session then ends). Completes
    /// <see cref="ResumeHandover.Done"/> at once when the session ended meanwhile.
    /// </summary>
    public void HandOver(ResumeHandover? handover)
    {
        TaskCompletionSource<ResumeHandover?>? waiter;
        lock (_lock)
        {
            if (_ended)
            {
                handover?.Done.TrySetResult();
                return;
            }

            _handover = handover;
            _handedOver = true;
            waiter = _waiter;
            if (waiter is not null)
            {
                _waiter = null;
                TakeHandover();
            }
        }

        waiter?.TrySetResult(handover);
    }

    /// <summary>
    /// The socket dropped: waits for a resume (its hand-over), or null when the window ends, the buffer overflows or
    /// <paramref name="stopping"/> fires; the session has then ended.
    /// </summary>
    public Task<ResumeHandover?> ParkAsync(TimeSpan window, CancellationToken stopping)
    {
        TaskCompletionSource<ResumeHandover?> waiter;
        lock (_lock)
        {
            _socket = null;
            if (_handedOver)
            {
                var handover = _handover;
                TakeHandover();
                if (handover is null)
                {
                    _ended = true;
                }

                return Task.FromResult(handover);
            }

            if (_ended || Buffer.Overflowed || stopping.IsCancellationRequested)
            {
                _ended = true;
                return Task.FromResult<ResumeHandover?>(null);
            }

            waiter = new TaskCompletionSource<ResumeHandover?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = waiter;
            if (!_claimed)
            {
                _window = new CancellationTokenSource();
                _window.Token.UnsafeRegister(static state => ((ResumeSession)state!).EndParked(), this);
                _window.CancelAfter(window);
            }
        }

        return WaitAsync(waiter, stopping);
    }

    /// <summary>No resume will take the session any more (it has ended); a resume that claimed it is let go.</summary>
    public void End()
    {
        ResumeHandover? handover;
        lock (_lock)
        {
            _ended = true;
            handover = _handover;
            _handover = null;
            _window?.Dispose();
            _window = null;
        }

        handover?.Done.TrySetResult();
        Buffer.Release();
    }

    // Under the lock: the hand-over is taken; the next socket gets the next generation's token.
    private void TakeHandover()
    {
        _claimed = false;
        _handedOver = false;
        _handover = null;
        if (!_ended)
        {
            Generation++;
        }
    }

    private async Task<ResumeHandover?> WaitAsync(TaskCompletionSource<ResumeHandover?> waiter, CancellationToken stopping)
    {
        using (stopping.UnsafeRegister(static state => ((ResumeSession)state!).EndParked(force: true), this))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    private void EndParked() => EndParked(force: false);

    // The window ended (unless a resume claimed the session meanwhile), the buffer overflowed, or the host stops.
    private void EndParked(bool force)
    {
        TaskCompletionSource<ResumeHandover?>? waiter;
        lock (_lock)
        {
            if (_waiter is null || (_claimed && !force))
            {
                return;
            }

            waiter = _waiter;
            _waiter = null;
            _ended = true;
        }

        waiter.TrySetResult(null);
    }

    private void OnOverflow()
    {
        bool parked;
        lock (_lock)
        {
            parked = _waiter is not null;
        }

        if (parked)
        {
            EndParked(force: false);
        }
        else
        {
            OverflowedWhileConnected?.Invoke();
        }
    }
}

/// <summary>The socket of a client that came back, handed to its parked session.</summary>
/// <param name="Socket">The accepted WebSocket.</param>
/// <param name="Stream">Its upgraded stream (HTTP/1.1 behind <c>AddConsumers()</c>), or null.</param>
/// <param name="Seq">The last frame the client received: the replay starts after it.</param>
/// <param name="Done">Completed when the session no longer uses the socket (the resume request may then end).</param>
internal sealed record ResumeHandover(WebSocket Socket, FrameBatchingStream? Stream, long Seq, TaskCompletionSource Done);
