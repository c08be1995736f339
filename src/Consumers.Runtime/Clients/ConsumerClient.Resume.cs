using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Consumers.Clients;

// Reconnecting and resuming (docs/protocol.md, "Resumable connections"): the state, the receive loop across sockets,
// the consumers.resume session (its token, the count of frames received and their $ack, the frames sent that the
// server may not have read), and the calls made while reconnecting.
public abstract partial class ConsumerClient
{
    private const string ResumeSubprotocol = "consumers.resume";
    private const int AckEvery = 50;

    // Bytes received between two $ack at most (the server sends no more than its buffer's worth before one).
    private const int AckBytes = 16 * 1024;
    private const int MaxKeptSent = 1000;

    private readonly ConcurrentDictionary<string, ReadOnlyMemory<byte>> _subscribing = new();
    private readonly ConcurrentDictionary<string, long> _numbers = new();
    private readonly object _session = new();
    private readonly List<ReadOnlyMemory<byte>> _sent = [];
    private TaskCompletionSource _connected = Completed();
    private ConsumerClientState _state;
    private string? _token;
    private long _seq;
    private long _acknowledged;
    private long _unacknowledgedBytes;
    private long _sentBase;
    private long _sentCount;
    private int _waitingCalls;
    private bool _firstSession = true;
    private Timer? _ackTimer;

    // The position vector of recovery on another node (read from $origin frames, presented on a reconnect).
    private readonly ClientPositions _positions = new();

    // Set by DisposeAsync before it closes: the close it starts is not a reason to reconnect.
    private volatile bool _disposing;

    /// <summary>The connection's state (<see cref="ConsumerClientOptions.OnStateChanged"/> reports each change).</summary>
    public ConsumerClientState State => _state;

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private void SetState(ConsumerClientState state)
    {
        if (_state == state)
        {
            return;
        }

        _state = state;
        _options.OnStateChanged?.Invoke(state);
    }

    // The receive loop over the client's sockets: a drop of a resumable session keeps the calls in flight for the next
    // socket; a close by the server, or a drop without resume, fails them; then it reconnects unless told not to.
    private async Task RunAsync()
    {
        while (true)
        {
            var closedByServer = await ReceiveAsync(_socket).ConfigureAwait(false);
            lock (_session)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _ackTimer?.Dispose();
            _ackTimer = null;
            if (_disposing || _stop.IsCancellationRequested || !_options.Reconnect)
            {
                break;
            }

            if (closedByServer || _token is null)
            {
                _token = null;
                FailPending("The connection closed before the reply.");
            }

            SetState(ConsumerClientState.Closed);
            if (!await ReconnectAsync().ConfigureAwait(false))
            {
                break;
            }
        }

        SetState(ConsumerClientState.Closed);
        FailPending("The connection closed before the reply.");
        lock (_session)
        {
            _connected.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The connection is closed."));
        }
    }

    // Opens a socket with backoff (with the session's token and count when it has one); false once disposed.
    private async Task<bool> ReconnectAsync()
    {
        var delay = _options.RetryDelay;
        SetState(ConsumerClientState.Connecting);
        while (!_stop.IsCancellationRequested && !_disposing)
        {
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                var uri = _options.ConnectedUri!;
                if (_token is not null)
                {
                    uri = new Uri(uri + (uri.Query.Length > 0 ? "&" : "?") + "consumers_resume=" + Uri.EscapeDataString(_token)
                        + "&consumers_seq=" + Interlocked.Read(ref _seq).ToString(CultureInfo.InvariantCulture) + _positions.Query());
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                var socket = _options.ConnectSocket is { } connect
                    ? await connect(uri, timeout.Token).ConfigureAwait(false)
                    : await ConnectClientWebSocketAsync(uri, _options, timeout.Token).ConfigureAwait(false);
                var old = _socket;
                _socket = socket;
                old.Dispose();
                if (socket.SubProtocol != ResumeSubprotocol)
                {
                    // No session to resume: a new consumer.
                    _token = null;
                    Opened(ConsumerClientState.Open, resumed: false, []);
                }

                // Else the $resume frame, read by the loop, opens the session.
                return true;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or HttpRequestException or InvalidOperationException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return false;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }

        return false;
    }

    // The socket's session is decided: frames the server had not read go again, a new session re-sends the subscribing
    // calls and fails the calls in flight, then the calls that waited go.
    private void Opened(ConsumerClientState state, bool resumed, List<ReadOnlyMemory<byte>> again)
    {
        if (!resumed)
        {
            FailPending($"The session was not resumed ({state}): the reply is lost.");
            foreach (var (key, request) in _subscribing)
            {
                // Its reply is not a notification: a pending entry nobody waits for takes it.
                _pending[key] = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                again.Add(request);
            }
        }

        _ = SendAgainThenOpenAsync(state, again);
    }

    private async Task SendAgainThenOpenAsync(ConsumerClientState state, List<ReadOnlyMemory<byte>> again)
    {
        try
        {
            await _send.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                foreach (var frame in again)
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
                    KeepSent(frame);
                }
            }
            finally
            {
                _send.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Dropped again: the loop reconnects.
            return;
        }

        SetState(state);
        lock (_session)
        {
            _connected.TrySetResult();
        }
    }

    // A call made while reconnecting waits for the next socket, at most MaxBufferedCalls of them.
    private Task WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        Task connected;
        lock (_session)
        {
            connected = _connected.Task;
        }

        if (connected.IsCompleted)
        {
            return connected;
        }

        if (Interlocked.Increment(ref _waitingCalls) > _options.MaxBufferedCalls)
        {
            Interlocked.Decrement(ref _waitingCalls);
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely,
                $"Not connected, and {_options.MaxBufferedCalls} calls already wait for the connection (ConsumerClientOptions.MaxBufferedCalls).");
        }

        return WaitAsync(connected, cancellationToken);

        async Task WaitAsync(Task task, CancellationToken token)
        {
            try
            {
                await task.WaitAsync(token).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waitingCalls);
            }
        }
    }

    // Under the send lock: a frame sent in a resumable session, kept (numbered) until the server has surely read it.
    private long KeepSent(ReadOnlyMemory<byte> frame)
    {
        lock (_session)
        {
            _sentCount++;
            if (_token is not null)
            {
                _sent.Add(frame);
                if (_sent.Count > MaxKeptSent)
                {
                    _sent.RemoveAt(0);
                    _sentBase++;
                }
            }

            return _sentCount;
        }
    }

    // The reply to the call `key` arrived: the server read its frame and every frame before it.
    private void Read(string key)
    {
        if (!_numbers.TryGetValue(key, out var number))
        {
            return;
        }

        lock (_session)
        {
            if (number > _sentBase)
            {
                _sent.RemoveRange(0, (int)Math.Min(_sent.Count, number - _sentBase));
                _sentBase = number;
            }
        }
    }

    // The server's $resume frame (not counted), or a frame of the session to count (and acknowledge every 50 frames or
    // 16 KiB, or a second after the first unacknowledged one).
    private bool IsSessionFrame(JsonElement frame, int bytes)
    {
        if (_socket.SubProtocol != ResumeSubprotocol)
        {
            return false;
        }

        if (frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("action", out var action)
            && action.ValueKind == JsonValueKind.String && action.ValueEquals("$resume"))
        {
            Resumed(frame);
            return true;
        }

        var seq = Interlocked.Add(ref _seq, frame.ValueKind == JsonValueKind.Array ? frame.GetArrayLength() : 1);
        if (seq - Interlocked.Read(ref _acknowledged) >= AckEvery || Interlocked.Add(ref _unacknowledgedBytes, bytes) >= AckBytes)
        {
            _ = AcknowledgeAsync();
        }
        else
        {
            _ackTimer ??= new Timer(static state => _ = ((ConsumerClient)state!).AcknowledgeAsync(), this, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }

        return false;
    }

    private void Resumed(JsonElement frame)
    {
        var outcome = frame.GetProperty("resume").GetString();
        var received = frame.GetProperty("received").GetInt64();
        var resumed = outcome == "resumed";
        _positions.Session(fresh: outcome == "fresh");
        List<ReadOnlyMemory<byte>> again;
        lock (_session)
        {
            _token = frame.GetProperty("token").GetString();
            Interlocked.Exchange(ref _seq, frame.GetProperty("seq").GetInt64());
            Interlocked.Exchange(ref _acknowledged, _seq);
            again = resumed ? [.. _sent.Skip((int)Math.Max(0, received - _sentBase))] : [];
            _sent.Clear();
            _sentBase = received;
            _sentCount = received;
        }

        var first = _firstSession;
        _firstSession = false;
        Opened(first ? ConsumerClientState.Open : resumed ? ConsumerClientState.Resumed : outcome == "recovered" ? ConsumerClientState.Recovered : ConsumerClientState.Open, resumed || first, again);
    }

    // A frame of a resumable session (an array's elements one by one): an $origin frame is the session's, not the app's.
    private bool IsOriginFrame(JsonElement frame) => _socket.SubProtocol == ResumeSubprotocol && _positions.TakeOrigin(frame);

    private async Task AcknowledgeAsync()
    {
        var timer = Interlocked.Exchange(ref _ackTimer, null);
        timer?.Dispose();
        var seq = Interlocked.Read(ref _seq);
        Interlocked.Exchange(ref _unacknowledgedBytes, 0);
        if (Interlocked.Exchange(ref _acknowledged, seq) == seq)
        {
            return;
        }

        try
        {
            await _send.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes("{\"action\":\"$ack\",\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + "}"), WebSocketMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
            }
            finally
            {
                _send.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Dropped: the next socket acknowledges.
        }
    }
}
