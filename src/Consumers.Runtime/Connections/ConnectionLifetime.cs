using System.Net.WebSockets;

namespace Consumers.Connections;

/// <summary>
/// How one connection ends, shared by its reader, scheduler and writer: the <see cref="Aborted"/> token (the socket is
/// gone: running actions are cancelled), the close the server asked for (status and description, first request wins)
/// and the close deadline: when the peer has not completed the close handshake within the close timeout, the
/// connection is aborted and whatever its writer is still sending fails.
/// </summary>
/// <remarks>
/// Shutdown order (as SignalR's <c>HubConnectionHandler</c>): the close frame leaves after the frames already queued,
/// the socket is aborted if the peer does not answer in time, and only then do the consumers' disconnect hooks run.
/// </remarks>
internal sealed class ConnectionLifetime(TimeSpan closeTimeout)
{
    private readonly CancellationTokenSource _aborted = new();
    private int _closeRequested;

    // Created by the first close request (an idle connection never has one); cancelled at the close deadline.
    private CancellationTokenSource? _closeDeadline;
    private ConnectionWriter? _writer;

    /// <summary>Cancelled when the connection is gone (socket dropped, closed, aborted, or past the close deadline).</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool IsAborted => _aborted.IsCancellationRequested;

    /// <summary>Whether a close was requested (by the server, or in answer to the client's close).</summary>
    public bool CloseRequested => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>The status of the close frame the server sends; set by the first <see cref="RequestClose"/>.</summary>
    public WebSocketCloseStatus CloseStatus { get; private set; } = WebSocketCloseStatus.NormalClosure;

    public string? CloseDescription { get; private set; }

    /// <summary>Cancelled at the close deadline; <see cref="CancellationToken.None"/> before a close was requested.</summary>
    public CancellationToken CloseDeadline => _closeDeadline?.Token ?? CancellationToken.None;

    /// <summary>
    /// The connection's writer, told when the close is requested (no more frames are accepted) and when the close
    /// deadline passes (the socket is aborted). A reference, not two callbacks: nothing more to allocate per connection.
    /// </summary>
    public void OnClose(ConnectionWriter writer) => _writer = writer;

    /// <summary>
    /// Starts closing from the server side: frames already queued are sent (unless the client stopped reading), then
    /// the close frame; past the close timeout the connection is aborted. Only the first call counts.
    /// </summary>
    /// <returns><see langword="true"/> for the first request.</returns>
    public bool RequestClose(WebSocketCloseStatus status, string? description)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return false;
        }

        CloseStatus = status;
        CloseDescription = description;
        var deadline = new CancellationTokenSource();
        deadline.Token.UnsafeRegister(static state => ((ConnectionLifetime)state!).PassDeadline(), this);
        Volatile.Write(ref _closeDeadline, deadline);
        _writer?.BeginClose();
        try
        {
            deadline.CancelAfter(closeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile (StopDeadline disposed this deadline): nothing is left to close. Seen when
            // the host's shutdown requests the close while the connection is finishing on its own.
        }

        return true;
    }

    /// <summary>The socket is gone: cancels <see cref="Aborted"/> at once.</summary>
    public void Abort() => _aborted.Cancel();

    private void PassDeadline()
    {
        _writer?.AbortSocket();
        _aborted.Cancel();
    }

    /// <summary>Stops the close deadline's timer once the connection has ended (<see cref="Aborted"/> stays usable).</summary>
    public void StopDeadline() => Volatile.Read(ref _closeDeadline)?.Dispose();
}
