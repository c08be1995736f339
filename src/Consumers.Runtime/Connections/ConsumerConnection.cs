using System.Net.WebSockets;
using Consumers.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// One accepted WebSocket, taken apart by role: the <see cref="ConnectionReader"/> (frames in, size, fragment, idle and
/// rate limits), the <see cref="ConnectionScheduler"/> (the connection's messages and queued work, one at a time, in
/// delivery turns) and the <see cref="ConnectionWriter"/> (everything sent, and the order it leaves in), sharing one
/// <see cref="ConnectionLifetime"/>. This type wires them up and runs them; consumers reach it through their channel.
/// </summary>
/// <remarks>
/// Shutdown order (as SignalR's <c>HubConnectionHandler</c>): when the reader ends, running actions are cancelled and
/// queued messages dropped; the close frame is sent after the queued frames, the socket is aborted if the peer does
/// not answer within <see cref="ConsumerOptions.CloseTimeout"/>, and only then are the consumers' disconnect hooks run,
/// exactly once.
/// </remarks>
internal sealed class ConsumerConnection
{
    /// <summary>
    /// The WebSocket subprotocol with which a client accepts several envelopes per frame (a JSON array). Clients that
    /// do not offer it (DCRF front ends, a browser's plain <c>new WebSocket(url)</c>) get exactly one object per frame.
    /// </summary>
    public const string BatchSubprotocol = "consumers.batch";

    private static long s_nextId;

    private readonly ConnectionLifetime _lifetime;
    private readonly ConnectionScheduler _scheduler;
    private readonly ConnectionWriter _writer;

    public ConsumerConnection(ConsumerOptions options, ILogger logger, string nodeId)
    {
        Options = options;
        Logger = logger;
        Id = nodeId + "." + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _lifetime = new ConnectionLifetime(options.CloseTimeout);
        _scheduler = new ConnectionScheduler(_lifetime, logger, options.MaxMessageSize, options.SendQueueCapacity);
        _writer = new ConnectionWriter(_lifetime, logger, options.SendQueueCapacity, options.SendQueueMaxBytes);
    }

    /// <summary>
    /// The connection's resumable session when its client speaks <c>consumers.resume</c>, else null. Set with
    /// <see cref="EnableResume"/> before anything is sent.
    /// </summary>
    public ResumeSession? Resume { get; private set; }

    /// <summary>
    /// The recovery of a session another node held (docs/protocol.md, "Recovery on another node"), for a resumable
    /// connection that was answered <c>recovered</c>; set before its consumers are created. Null otherwise.
    /// </summary>
    public GroupRecovery? Recovery { get; set; }

    /// <summary>
    /// Makes this connection resumable (<c>consumers.resume</c>): what it sends is numbered and kept until acknowledged,
    /// and a dropped socket parks it (see <see cref="RunAsync"/>). Before anything is sent.
    /// </summary>
    /// <param name="userId">The authenticated user its tokens are bound to (null: anonymous).</param>
    public ResumeSession EnableResume(string? userId)
    {
        var session = new ResumeSession(Id, userId, Options.ResumeBufferBytes);
        session.OverflowedWhileConnected = () =>
        {
            ResumeLog.ResumeBufferFull(Logger, Options.ResumeBufferBytes);
            _lifetime.RequestClose(WebSocketCloseStatus.PolicyViolation, "Resume buffer full");
        };
        _writer.EnableResume(session);
        Resume = session;
        return session;
    }

    public string Id { get; }

    /// <summary>Cancelled when the connection is gone (closed, dropped or past its close deadline).</summary>
    public CancellationToken Aborted => _lifetime.Aborted;

    public ILogger Logger { get; }

    public ConsumerOptions Options { get; }

    /// <summary>The request's upgrade when it can batch frames (HTTP/1.1 behind <c>AddConsumers()</c>), or null.</summary>
    public FrameBatchingUpgradeFeature? Upgrade { get; set; }

    /// <summary>
    /// Whether the client accepted <see cref="BatchSubprotocol"/>: queued envelopes may then leave as one text frame
    /// holding a JSON array of them. Set before <see cref="RunAsync"/>.
    /// </summary>
    public bool BatchEnvelopes { get; set; }

    /// <summary>
    /// The span of the HTTP request that opened the socket (ASP.NET Core's, when one was recorded), or default: the
    /// spans of the connection's requests link to it (<see cref="ConsumerTracing"/>).
    /// </summary>
    public System.Diagnostics.ActivityContext HttpActivity { get; init; }

    /// <summary>
    /// What this connection holds of its user's subscription limit (<see cref="ConsumerOptions.MaxSubscriptionsPerUser"/>),
    /// or null for an anonymous connection. Its consumers' subscriptions count towards it; the endpoint disposes it when
    /// the connection ends.
    /// </summary>
    public Security.SubscriptionAllowance? UserSubscriptions { get; init; }

    /// <summary>Everything this connection sends goes through its writer; channels call it directly.</summary>
    public ConnectionWriter Writer => _writer;

    /// <summary>Sends a frame without ever blocking (see <see cref="ConnectionWriter.TrySend"/>).</summary>
    /// <returns><see langword="false"/> when the frame was dropped (the client stopped reading and is being closed).</returns>
    public bool TrySend(OutboundFrame frame) => _writer.TrySend(frame);

    /// <summary>How full the connection's send queue and work queue are, the fuller of the two (see <see cref="Groups.IGroupMember.Backlog"/>).</summary>
    public double Backlog => Math.Max(_writer.Backlog, _scheduler.WorkBacklog);

    /// <summary>Queues consumer work in order with the connection's messages (see <see cref="ConnectionScheduler.TryQueueWork"/>).</summary>
    public bool TryQueueWork(Func<ValueTask> work) => _scheduler.TryQueueWork(work);

    /// <summary>
    /// Starts closing from the server side: frames already queued are sent (unless the client stopped reading),
    /// then the close frame. If the client does not complete the close handshake within the close timeout, the
    /// socket is aborted. Only the first call counts.
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string? description) => _lifetime.RequestClose(status, description);

    /// <summary>
    /// Runs the connection until the socket is closed or dropped, then runs the disconnect hooks. A resumable
    /// connection whose socket drops (no close frame, no close requested, the host not stopping) is parked instead:
    /// <paramref name="resume"/> waits for a client that comes back (its socket then runs here) or the end of the window.
    /// </summary>
    /// <param name="socket">The accepted socket.</param>
    /// <param name="consumers">The connection's consumers.</param>
    /// <param name="stopping">The host's shutdown.</param>
    /// <param name="answer">For a resumable connection, the <c>$resume</c> frame of the first socket (built with its token).</param>
    /// <param name="resume">For a resumable connection, builds the <c>$resume</c> frame of a socket handed over.</param>
    public async Task RunAsync(WebSocket socket, ConsumerSet consumers, CancellationToken stopping, byte[]? answer = null, Func<ResumeHandover, byte[]>? resume = null)
    {
        ConsumerMetrics.ConnectionsOpened.Add(1);
        ConsumerMetrics.ActiveConnections.Add(1);
        var started = ConsumerMetrics.ConnectionDuration.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        WebSocketCloseStatus? clientStatus = null;
        _scheduler.Consumers = consumers;
        var session = Resume;
        if (session is null)
        {
            _writer.Start(socket, Upgrade?.Stream, BatchEnvelopes);
        }
        else
        {
            session.Connected(socket);
            _writer.Attach(socket, Upgrade?.Stream, BatchEnvelopes, answer!, after: 0);
        }

        // The resume request whose socket runs now: told when this connection no longer uses it.
        TaskCompletionSource? socketDone = null;
        using (stopping.Register(static state => ((ConnectionLifetime)state!).RequestClose(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"), _lifetime))
        {
            try
            {
                while (true)
                {
                    var reader = new ConnectionReader(Options, Logger, _lifetime, _scheduler, session);
                    try
                    {
                        clientStatus = await reader.ReadAsync(socket, consumers).ConfigureAwait(false);
                    }
                    finally
                    {
                        reader.Dispose();
                    }

                    if (session is null || clientStatus is not null || _lifetime.CloseRequested || stopping.IsCancellationRequested)
                    {
                        break;
                    }

                    // Dropped: parked until the client comes back or the window ends.
                    _writer.Park();
                    ResumeLog.SessionParked(Logger, Options.ResumeWindow);
                    var handover = await session.ParkAsync(Options.ResumeWindow, stopping).ConfigureAwait(false);
                    if (handover is null)
                    {
                        ResumeLog.ParkedSessionEnded(Logger, session.Buffer.Overflowed ? "buffer overflow" : stopping.IsCancellationRequested ? "host stopping" : "window expired");
                        break;
                    }

                    socket.Abort();
                    socket.Dispose();
                    socketDone?.TrySetResult();
                    socket = handover.Socket;
                    socketDone = handover.Done;
                    session.Connected(socket);
                    ResumeLog.SessionResumed(Logger, handover.Seq, (int)(session.Buffer.Last - handover.Seq));
                    _writer.Attach(socket, handover.Stream, BatchEnvelopes, resume!(handover), handover.Seq);
                }
            }
            finally
            {
                // The client is gone or closing: running actions are cancelled, queued messages are dropped.
                _lifetime.Abort();
                await _scheduler.StopAsync().ConfigureAwait(false);

                // Echo the client's close (or finish ours) once the send queue is drained.
                _lifetime.RequestClose(clientStatus ?? WebSocketCloseStatus.NormalClosure, null);
                await _writer.CloseAsync().ConfigureAwait(false);
                if (socket.State != WebSocketState.Closed)
                {
                    socket.Abort();
                }

                socket.Dispose();
                _lifetime.StopDeadline();
                _writer.Drain();
                session?.End();
                socketDone?.TrySetResult();
                ConnectionLog.ConnectionClosed(Logger, clientStatus);
                ConsumerMetrics.ConnectionsClosed.Add(1);
                ConsumerMetrics.ActiveConnections.Add(-1);

                // Concurrent actions and streams (cancelled with the connection) end before the disconnect hook runs and
                // the connection's DI scope is disposed under them.
                await consumers.WaitForCallsAsync().ConfigureAwait(false);
                await consumers.DisconnectAsync(clientStatus).ConfigureAwait(false);
                if (started != 0)
                {
                    ConsumerMetrics.ConnectionDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
            }
        }
    }
}
