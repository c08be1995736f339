using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Consumers.Groups.Nats.Client;

/// <summary>Handshake, the per-socket read/write/ping loops and the reconnect loop.</summary>
internal sealed partial class NatsConnection
{
    // -ERR texts after which the server closes the socket (shared/NATS.md §1, verified on 2.9.10). Others leave it open.
    private static readonly string[] ClosingErrors =
    {
        "Unknown Protocol Operation",
        "Attempted To Connect To Route Port",
        "Authorization Violation",
        "Authorization Timeout",
        "Invalid Client Protocol",
        "Maximum Control Line Exceeded",
        "Parser Error",
        "Secure Connection - TLS Required",
        "Stale Connection",
        "Maximum Connections Exceeded",
        "Slow Consumer",
        "Maximum Payload Violation",
    };

    internal static bool IsClosingError(string error)
    {
        foreach (var closing in ClosingErrors)
        {
            if (error.StartsWith(closing, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>TCP connect, INFO, CONNECT + PING, PONG; all within <see cref="NatsClientOptions.ConnectTimeout"/>.</summary>
    private async Task<Session> EstablishAsync(NatsServerAddress server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var token = timeout.Token;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        NetworkStream? stream = null;
        PipeReader? reader = null;
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
            var parser = new NatsProtocolParser();
            NatsServerInfo? info = null;
            var accepted = false;
            while (!accepted)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (!accepted && parser.TryParse(ref buffer, out var op))
                    {
                        switch (op.Kind)
                        {
                            case NatsServerOpKind.Info:
                                var first = info is null;
                                info = NatsServerInfo.Parse(op.Text.Span);
                                ApplyInfo(info, server, session: null);
                                if (first)
                                {
                                    if (info.TlsRequired)
                                    {
                                        throw new NatsConnectionException($"The NATS server {server} requires TLS, which this client does not implement.");
                                    }

                                    var hello = new ArrayBufferWriter<byte>(256);
                                    NatsProtocolWriter.WriteConnect(hello, _options);
                                    NatsProtocolWriter.WritePing(hello);
                                    await SendAllAsync(socket, hello.WrittenMemory, token).ConfigureAwait(false);
                                }

                                break;
                            case NatsServerOpKind.Pong when info is not null:
                                accepted = true;
                                break;
                            case NatsServerOpKind.Err:
                                var error = op.GetErrorMessage();
                                throw new NatsConnectionException($"The NATS server {server} refused the connection: {error}") { ServerError = error };
                            case NatsServerOpKind.Ping:
                                await SendAllAsync(socket, "PONG\r\n"u8.ToArray(), token).ConfigureAwait(false);
                                break;
                            case NatsServerOpKind.Ok:
                                break;
                            default:
                                throw new NatsProtocolException($"Unexpected {op.Kind} from {server} during the handshake.");
                        }
                    }
                }
                finally
                {
                    // After the PONG, leave the rest (an async INFO, a PING) unexamined so the read loop sees it at once.
                    reader.AdvanceTo(buffer.Start, accepted ? buffer.Start : result.Buffer.End);
                }

                if (!accepted && result.IsCompleted)
                {
                    throw new NatsConnectionException($"The NATS server {server} closed the connection during the handshake.");
                }
            }

            NatsClientLog.Connected(_logger, server, info!.ServerId, info.Version, info.MaxPayload);
            return new Session(server, socket, stream, reader, parser);
        }
        catch (Exception ex)
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && !_disposeCts.IsCancellationRequested)
            {
                throw new NatsConnectionException($"Timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms connecting to the NATS server {server}.", ex);
            }

            if (ex is SocketException or IOException)
            {
                throw new NatsConnectionException($"Could not connect to the NATS server {server}: {ex.Message}", ex);
            }

            throw;
        }
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private void StartSession(Session session)
    {
        Volatile.Write(ref _session, session);
        session.ReadTask = Task.Run(() => ReadLoopAsync(session));
        session.WriteTask = Task.Run(() => WriteLoopAsync(session));
        session.PingTask = Task.Run(() => PingLoopAsync(session));
    }

    /// <summary>Owns the connection's life after ConnectAsync: waits for each socket to die, then reconnects.</summary>
    private async Task RunAsync(Session session)
    {
        while (true)
        {
            await session.Closed.Task.ConfigureAwait(false);
            await session.StopAsync().ConfigureAwait(false);
            var reason = session.Reason ?? new NatsConnectionException("The connection was closed.");
            _writer.Detach(session.Socket, reason);
            if (_disposeCts.IsCancellationRequested)
            {
                return;
            }

            TrySetState(NatsConnectionState.Reconnecting, NatsConnectionState.Connected);
            Interlocked.Increment(ref Statistics.Disconnects);
            NatsClientLog.Disconnected(_logger, session.Server, reason);
            Raise(Disconnected, nameof(Disconnected));

            var next = await ReconnectAsync(session.Server).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                _writer.Attach(next.Socket, ReplaySubscriptions, barrier);
            }
            catch (ObjectDisposedException)
            {
                next.Abort(new ObjectDisposedException(nameof(NatsConnection)));
                await next.StopAsync().ConfigureAwait(false);
                return;
            }

            StartSession(next);
            TrySetState(NatsConnectionState.Connected, NatsConnectionState.Reconnecting);
            await Task.WhenAny(barrier.Task, next.Closed.Task).ConfigureAwait(false);
            if (barrier.Task.IsCompletedSuccessfully)
            {
                Interlocked.Increment(ref Statistics.Reconnects);
                NatsClientLog.Reconnected(_logger, next.Server, _subscriptions.Count);
                Raise(Reconnected, nameof(Reconnected));
            }
            else
            {
                // Lost again before the barrier; observe the fault so it is not reported as unobserved.
                _ = barrier.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            session = next;
        }
    }

    /// <summary>Passes over the pool (failed server last) with a jittered pause between passes. Null when closed.</summary>
    private async Task<Session?> ReconnectAsync(NatsServerAddress failed)
    {
        var token = _disposeCts.Token;
        var passes = 0;
        while (!token.IsCancellationRequested)
        {
            foreach (var server in _pool.GetOrder(failed))
            {
                try
                {
                    return await EstablishAsync(server, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return null;
                }
                catch (Exception ex)
                {
                    NatsClientLog.ConnectAttemptFailed(_logger, server, ex);
                }
            }

            passes++;
            if (_options.MaxReconnectAttempts >= 0 && passes >= _options.MaxReconnectAttempts)
            {
                NatsClientLog.ReconnectGaveUp(_logger, passes);
                CloseEverything(new NatsConnectionException($"Gave up reconnecting to NATS after {passes} passes over the server pool."));
                return null;
            }

            var delay = _options.ReconnectWait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _options.ReconnectJitter.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    private async Task ReadLoopAsync(Session session)
    {
        var reader = session.Reader;
        var token = session.Token;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (session.Reason is null && session.Parser.TryParse(ref buffer, out var op))
                    {
                        Dispatch(session, op);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, result.Buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    session.Abort(new NatsConnectionException($"The NATS server {session.Server} closed the connection."));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Abort() was called: the reason is already recorded.
        }
        catch (NatsProtocolException ex)
        {
            NatsClientLog.ProtocolViolation(_logger, session.Server, ex);
            session.Abort(ex);
        }
        catch (Exception ex)
        {
            session.Abort(new NatsConnectionException($"Reading from the NATS server {session.Server} failed: {ex.Message}", ex));
        }
    }

    private async Task WriteLoopAsync(Session session)
    {
        try
        {
            await _writer.RunAsync(session.Socket, session.Token).ConfigureAwait(false);
            session.Abort(new NatsConnectionException("The writer stopped."));
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested)
        {
            // Abort() was called.
        }
        catch (Exception ex)
        {
            session.Abort(new NatsConnectionException($"Writing to the NATS server {session.Server} failed: {ex.Message}", ex));
        }
    }

    private async Task PingLoopAsync(Session session)
    {
        using var timer = new PeriodicTimer(_options.PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(session.Token).ConfigureAwait(false))
            {
                var outstanding = Volatile.Read(ref session.PingsOut);
                if (outstanding >= _options.MaxPingsOut)
                {
                    NatsClientLog.StaleConnection(_logger, session.Server, outstanding);
                    session.Abort(new NatsConnectionException($"Stale connection: {outstanding} PINGs to the NATS server {session.Server} went unanswered."));
                    return;
                }

                Interlocked.Increment(ref session.PingsOut);
                _writer.WritePing(waiter: null);
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
        catch (ObjectDisposedException)
        {
            // The connection was closed between two ticks.
        }
    }

    private void Dispatch(Session session, in NatsServerOp op)
    {
        switch (op.Kind)
        {
            case NatsServerOpKind.Msg:
            case NatsServerOpKind.HMsg:
                DeliverMessage(op);
                break;
            case NatsServerOpKind.Ping:
                Interlocked.Increment(ref Statistics.PingsReceived);
                _writer.WritePong();
                break;
            case NatsServerOpKind.Pong:
                Volatile.Write(ref session.PingsOut, 0);
                _writer.OnPong();
                break;
            case NatsServerOpKind.Info:
                ApplyInfo(NatsServerInfo.Parse(op.Text.Span), session.Server, session);
                break;
            case NatsServerOpKind.Err:
                var error = op.GetErrorMessage();
                var closes = IsClosingError(error);
                Interlocked.Increment(ref Statistics.ServerErrors);
                NatsClientLog.ServerError(_logger, session.Server, error, closes);
                if (closes)
                {
                    session.Abort(new NatsConnectionException($"The NATS server {session.Server} closed the connection: {error}") { ServerError = error });
                }

                break;
        }
    }

    private void DeliverMessage(in NatsServerOp op)
    {
        Interlocked.Increment(ref Statistics.MessagesIn);
        Interlocked.Add(ref Statistics.BytesIn, op.Headers.Length + op.Payload.Length);
        if (!_subscriptions.TryGetValue(op.Sid, out var subscription))
        {
            // Normal right after UNSUB: the server had already sent it.
            Interlocked.Increment(ref Statistics.MessagesDroppedUnknownSid);
            return;
        }

        var msg = new NatsMsg(
            subscription.ResolveSubject(op.Subject.Span),
            op.ReplyTo.IsEmpty ? null : Utf8(op.ReplyTo.Span),
            op.Kind == NatsServerOpKind.HMsg ? NatsHeaders.Parse(op.Headers) : null,
            op.Payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : op.Payload.ToArray());
        var last = subscription.Deliver(msg, out var dropped, out var handlerError);
        if (handlerError is not null)
        {
            NatsClientLog.HandlerFailed(_logger, subscription.Sid, subscription.Subject, handlerError);
        }

        if (dropped && subscription.DroppedMessages == 1)
        {
            NatsClientLog.SlowConsumer(_logger, subscription.Sid, subscription.Subject);
        }

        if (dropped)
        {
            Interlocked.Increment(ref Statistics.MessagesDroppedSlowConsumer);
        }

        if (last)
        {
            RemoveCompleted(subscription);
        }
    }

    private void ApplyInfo(NatsServerInfo info, NatsServerAddress server, Session? session)
    {
        Volatile.Write(ref _serverInfo, info);
        var added = _pool.AddDiscovered(info.ConnectUrls);
        if (added > 0)
        {
            NatsClientLog.ServersDiscovered(_logger, added);
        }

        // Leave a lame-duck server early, but only when there is somewhere else to go.
        if (info.LameDuckMode && session is not null && _pool.Count > 1)
        {
            NatsClientLog.LameDuckMode(_logger, server);
            session.Abort(new NatsConnectionException($"The NATS server {server} entered lame-duck mode."));
        }
    }

    /// <summary>One socket's worth of state. <see cref="Abort"/> is idempotent and first-reason-wins.</summary>
    private sealed class Session
    {
        private readonly CancellationTokenSource _cts = new();
        private Exception? _reason;

        public Session(NatsServerAddress server, Socket socket, NetworkStream stream, PipeReader reader, NatsProtocolParser parser)
        {
            Server = server;
            Socket = socket;
            Stream = stream;
            Reader = reader;
            Parser = parser;
            Token = _cts.Token;
        }

        public int PingsOut;

        public NatsServerAddress Server { get; }

        public Socket Socket { get; }

        public NetworkStream Stream { get; }

        public PipeReader Reader { get; }

        public NatsProtocolParser Parser { get; }

        public CancellationToken Token { get; }

        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Reason => Volatile.Read(ref _reason);

        public Task ReadTask { get; set; } = Task.CompletedTask;

        public Task WriteTask { get; set; } = Task.CompletedTask;

        public Task PingTask { get; set; } = Task.CompletedTask;

        public void Abort(Exception reason)
        {
            if (Interlocked.CompareExchange(ref _reason, reason, null) is not null)
            {
                return;
            }

            _cts.Cancel();
            try
            {
                // Unblocks a pending receive at once; the server sees FIN rather than waiting for a timeout.
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }

            Closed.TrySetResult();
        }

        /// <summary>Waits for the three loops and releases the socket.</summary>
        public async Task StopAsync()
        {
            await Task.WhenAll(ReadTask, WriteTask, PingTask).ConfigureAwait(false);
            await Reader.CompleteAsync().ConfigureAwait(false);
            await Stream.DisposeAsync().ConfigureAwait(false);
            _cts.Dispose();
        }
    }
}
