using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Consumers.Testing.Communication;

// Resumable connections (consumers.resume, ConsumerConnectOptions.Resume): the $resume frames, the count of frames
// received and their acknowledgements, the frames sent (to send again after a resume), and the abrupt cut and return.
public sealed partial class ConsumerCommunicator
{
    /// <summary>Frames received between two acknowledgements at most (docs/protocol.md asks for at most 50).</summary>
    private const int AckEvery = 50;

    // Bytes received between two $ack at most: the server sends no more than its buffer's worth (ResumeBufferBytes)
    // before one, and the communicator has no timer.
    private const int AckBytes = 16 * 1024;

    // Frames kept to send again after a resume: the newest so many since the last $resume frame.
    private const int MaxKeptSent = 10_000;

    private readonly List<byte[]> _sent = [];
    private Func<string, CancellationToken, Task<WebSocket>>? _reopen;

    // A communicator connected by URI: opens the resume's socket at another node (its host and port).
    private Func<Uri, string, CancellationToken, Task<WebSocket>>? _reopenAt;
    private TaskCompletionSource<JsonElement> _resumeFrame = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seq;
    private long _acknowledged;
    private long _unacknowledgedBytes;
    private long _sentBase;
    private string? _token;

    // The position vector of recovery on another node, from the $origin frames (which are never handed out).
    private readonly Consumers.Clients.ClientPositions _positions = new();

    /// <summary>
    /// What the last <c>$resume</c> frame said: <c>fresh</c>, <c>resumed</c> or <c>recovered</c>; null when the
    /// connection does not speak <c>consumers.resume</c> (<see cref="ConsumerConnectOptions.Resume"/>).
    /// </summary>
    public string? ResumeOutcome { get; private set; }

    /// <summary>The frames received and counted since the session began (the server's numbering; envelopes of an array one each).</summary>
    public long ReceivedSeq => Interlocked.Read(ref _seq);

    /// <summary>
    /// Cuts the connection abruptly, as a network drop does: the socket is aborted without a close frame, so the server
    /// parks the session for its <c>ResumeWindow</c>. Frames not read stay readable.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection was not opened with <see cref="ConsumerConnectOptions.Resume"/>.</exception>
    public void Drop()
    {
        if (_reopen is null)
        {
            throw new InvalidOperationException("Drop needs a resumable connection: connect with ConsumerConnectOptions.Resume = true.");
        }

        _socket.Abort();
    }

    /// <summary>
    /// Opens a new socket to the same endpoint with the session's newest token and the number of the last frame received,
    /// waits for the server's <c>$resume</c> frame and, when the session was resumed, sends again the frames the server
    /// had not read. Frames replayed by the server are received as any other. Drops the current socket first if it is open.
    /// </summary>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The server's answer: <c>resumed</c> (the same consumer), <c>fresh</c> or <c>recovered</c> (a new one).</returns>
    /// <exception cref="InvalidOperationException">The connection was not opened with <see cref="ConsumerConnectOptions.Resume"/>, or the server gave no token.</exception>
    /// <exception cref="TimeoutException">No <c>$resume</c> frame within <see cref="ReceiveTimeout"/>.</exception>
    public Task<string> ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (_reopen is null || _token is null)
        {
            throw new InvalidOperationException("ResumeAsync needs a resumable connection that got a token: connect with ConsumerConnectOptions.Resume = true.");
        }

        return ResumeWithAsync(_reopen, cancellationToken);
    }

    /// <summary>
    /// As <see cref="ResumeAsync(CancellationToken)"/>, but the new socket goes to another node: the same path and query
    /// at <paramref name="node"/>'s host and port (<c>wss</c> for an <c>https</c> or <c>wss</c> URI, else <c>ws</c>), as a
    /// load balancer without sticky routing may send it. That
    /// node, which does not hold the session, answers <c>recovered</c> when its group layer kept the messages the client
    /// missed (the NATS layer with JetStream; docs/protocol.md, "Recovery on another node"), else <c>fresh</c>. The
    /// communicator presents its position vector (read from the <c>$origin</c> frames, which it never hands out).
    /// </summary>
    /// <param name="node">Any URI of the other node, <c>http(s)</c> or <c>ws(s)</c> (only its host, port and whether it is secure are used).</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The server's answer: <c>recovered</c>, <c>fresh</c>, or <c>resumed</c> when that node held the session after all.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="node"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The connection was not opened by URI with <see cref="ConsumerConnectOptions.Resume"/> (an in-process host has one
    /// node), or the server gave no token.
    /// </exception>
    /// <exception cref="TimeoutException">No <c>$resume</c> frame within <see cref="ReceiveTimeout"/>.</exception>
    public Task<string> ResumeAsync(Uri node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (_reopenAt is not { } reopenAt || _token is null)
        {
            throw new InvalidOperationException("ResumeAsync(Uri) needs a resumable connection opened by URI that got a token: ConsumerCommunicator.ConnectAsync(uri, o => o.Resume = true).");
        }

        return ResumeWithAsync((query, token) => reopenAt(node, query, token), cancellationToken);
    }

    private async Task<string> ResumeWithAsync(Func<string, CancellationToken, Task<WebSocket>> reopen, CancellationToken cancellationToken)
    {
        _socket.Abort();
        await _receiving.ConfigureAwait(false);
        var query = ResumeQuery(_token!, Interlocked.Read(ref _seq)) + _positions.Query();
        var socket = await reopen(query, cancellationToken).ConfigureAwait(false);
        _socket.Dispose();
        lock (_gate)
        {
            _socket = socket;
            _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            CloseStatus = null;
            CloseStatusDescription = null;
            _resumeFrame = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _receiving = ReceiveLoopAsync();
        return await ReadResumeFrameAsync(resend: true).ConfigureAwait(false);
    }

    /// <summary>Acknowledges every frame received so far (the communicator does it every 50 frames or 16 KiB by itself).</summary>
    /// <returns>A task that completes when the <c>$ack</c> is written.</returns>
    public Task AcknowledgeAsync()
    {
        var seq = Interlocked.Read(ref _seq);
        Interlocked.Exchange(ref _acknowledged, seq);
        Interlocked.Exchange(ref _unacknowledgedBytes, 0);
        return SendControlAsync(Encoding.UTF8.GetBytes("{\"action\":\"$ack\",\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + "}"));
    }

    internal static string ResumeQuery(string token, long seq)
        => "consumers_resume=" + Uri.EscapeDataString(token) + "&consumers_seq=" + seq.ToString(CultureInfo.InvariantCulture);

    // After the handshake: a resumable connection reads its first $resume frame before the communicator is handed out.
    internal async Task<ConsumerCommunicator> StartResumeAsync(Func<string, CancellationToken, Task<WebSocket>>? reopen, CancellationToken cancellationToken)
    {
        if (reopen is not null && SubProtocol == ConsumerConnectOptions.ResumeSubprotocol)
        {
            _reopen = reopen;
            await ReadResumeFrameAsync(resend: false).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return this;
    }

    private async Task<string> ReadResumeFrameAsync(bool resend)
    {
        JsonElement frame;
        try
        {
            frame = await _resumeFrame.Task.WaitAsync(ReceiveTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No $resume frame from {Path} within {Seconds(ReceiveTimeout)}.{DescribeClose()}");
        }

        _token = frame.GetProperty("token").GetString();
        ResumeOutcome = frame.GetProperty("resume").GetString();
        _positions.Session(fresh: ResumeOutcome == "fresh");
        Interlocked.Exchange(ref _seq, frame.GetProperty("seq").GetInt64());
        Interlocked.Exchange(ref _acknowledged, frame.GetProperty("seq").GetInt64());
        var received = frame.GetProperty("received").GetInt64();
        List<byte[]> again;
        lock (_sent)
        {
            if (ResumeOutcome == "resumed" && resend)
            {
                // The frames the server had not read when the socket dropped.
                again = _sent.Skip((int)Math.Max(0, received - _sentBase)).ToList();
            }
            else
            {
                again = [];
            }

            _sent.Clear();
            _sentBase = received;
        }

        foreach (var bytes in again)
        {
            await SendBytesAsync(bytes, CancellationToken.None).ConfigureAwait(false);
        }

        return ResumeOutcome!;
    }

    // Under the send lock, after a frame is written: kept, numbered, for a resume.
    private void KeepSent(byte[] bytes)
    {
        if (_reopen is null)
        {
            return;
        }

        lock (_sent)
        {
            _sent.Add(bytes);
            if (_sent.Count > MaxKeptSent)
            {
                _sent.RemoveAt(0);
                _sentBase++;
            }
        }
    }

    // A $resume frame is the session's, not an envelope.
    private bool IsResumeFrame(JsonElement root)
    {
        if (SubProtocol != ConsumerConnectOptions.ResumeSubprotocol || root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String || action.GetString() != "$resume")
        {
            return false;
        }

        _resumeFrame.TrySetResult(root);
        return true;
    }

    // Counts what arrived; every 50 frames or 16 KiB an $ack.
    private void Counted(int envelopes, int bytes)
    {
        if (SubProtocol != ConsumerConnectOptions.ResumeSubprotocol)
        {
            return;
        }

        var seq = Interlocked.Add(ref _seq, envelopes);
        if (seq - Interlocked.Read(ref _acknowledged) >= AckEvery || Interlocked.Add(ref _unacknowledgedBytes, bytes) >= AckBytes)
        {
            _ = AcknowledgeQuietlyAsync();
        }
    }

    private async Task AcknowledgeQuietlyAsync()
    {
        try
        {
            await AcknowledgeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // Dropped meanwhile: the next socket acknowledges.
        }
    }

    private async Task SendControlAsync(byte[] bytes)
    {
        await _send.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }
}
