using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Groups.Nats.Client;

/// <summary>
/// A client of the NATS core protocol: one TCP connection at a time, reconnecting for ever (by default) across
/// the seed servers and the cluster's <c>connect_urls</c>. Publishes never wait for the server: they are batched
/// by <see cref="NatsCommandWriter"/> and, while disconnected, kept in a reconnect buffer of
/// <see cref="NatsClientOptions.ReconnectBufferSize"/> bytes (8 MiB); a publish that does not fit fails with
/// <see cref="NatsReconnectBufferExceededException"/>, is logged (event 1007) and counted in
/// <see cref="NatsConnectionStatistics.RefusedPublishes"/>. Delivery is at most once: commands written to a socket
/// that then dies are lost. After a reconnect every live subscription is re-sent (with its remaining max), then the
/// buffer, then a PING whose PONG raises <see cref="Reconnected"/>. Follows nats.go/nats.net (see shared/NATS.md).
/// </summary>
internal sealed partial class NatsConnection : INatsConnection
{
    private readonly NatsClientOptions _options;
    private readonly ILogger _logger;
    private readonly NatsCommandWriter _writer;
    private readonly NatsServerPool _pool;
    private readonly ConcurrentDictionary<long, NatsSubscription> _subscriptions = new();
    private readonly CancellationTokenSource _disposeCts = new();
    private long _nextSid;
    private int _state;
    private int _disposed;
    private NatsServerInfo? _serverInfo;
    private Session? _session;
    private Task? _runTask;

    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public NatsConnection(NatsClientOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _writer = new NatsCommandWriter(options.ReconnectBufferSize);
        _pool = new NatsServerPool(options.Urls, options.NoRandomize);
    }

    public event EventHandler? Connected;

    public event EventHandler? Disconnected;

    public event EventHandler? Reconnected;

    public NatsConnectionState State => (NatsConnectionState)Volatile.Read(ref _state);

    /// <summary>The latest INFO (refreshed by async INFO), or null before the first connect.</summary>
    public NatsServerInfo? ServerInfo => Volatile.Read(ref _serverInfo);

    /// <summary>The server of the current socket, or null while disconnected.</summary>
    public NatsServerAddress? ConnectedServer => State == NatsConnectionState.Connected ? Volatile.Read(ref _session)?.Server : null;

    public NatsConnectionStatistics Statistics { get; } = new();

    /// <summary>Bytes waiting to be written (the reconnect buffer's fill while disconnected).</summary>
    public int PendingBytes => _writer.PendingBytes;

    /// <summary>
    /// Connects to the first server of the (shuffled) pool that completes the handshake: INFO, then CONNECT + PING
    /// answered by PONG. Starts the background read, write, ping and reconnect loops.
    /// </summary>
    /// <exception cref="NatsConnectionException">No server accepted; <see cref="NatsConnectionException.ServerError"/>
    /// holds the server's refusal, e.g. <c>Authorization Violation</c>.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _state, (int)NatsConnectionState.Connecting, (int)NatsConnectionState.Disconnected) != (int)NatsConnectionState.Disconnected)
        {
            throw new InvalidOperationException($"ConnectAsync can only be called once (the connection is {State}).");
        }

        try
        {
            Session? session = null;
            var failures = new List<Exception>();
            var servers = _pool.GetOrder(null);
            foreach (var server in servers)
            {
                try
                {
                    session = await EstablishAsync(server, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is NatsException or OperationCanceledException)
                {
                    NatsClientLog.ConnectAttemptFailed(_logger, server, ex);
                    failures.Add(ex);
                }
            }

            if (session is null)
            {
                if (failures.Count == 1 && failures[0] is NatsConnectionException single)
                {
                    throw single;
                }

                var last = failures[^1];
                throw new NatsConnectionException(
                    $"Could not connect to any of the NATS servers {string.Join(", ", servers)}; last error: {last.Message}",
                    new AggregateException(failures))
                {
                    ServerError = (last as NatsConnectionException)?.ServerError,
                };
            }

            _writer.Attach(session.Socket, prefix: null, barrier: null);
            StartSession(session);
            if (!TrySetState(NatsConnectionState.Connected, NatsConnectionState.Connecting))
            {
                session.Abort(new ObjectDisposedException(nameof(NatsConnection)));
                throw new ObjectDisposedException(nameof(NatsConnection), "The connection was disposed while connecting.");
            }

            _runTask = RunAsync(session);
            Raise(Connected, nameof(Connected));
        }
        catch
        {
            TrySetState(NatsConnectionState.Disconnected, NatsConnectionState.Connecting);
            throw;
        }
    }

    /// <summary>
    /// Queues a message (PUB, or HPUB with headers). Returns without waiting for the server; completes asynchronously
    /// only when the connected socket is a full buffer behind (back-pressure).
    /// </summary>
    /// <exception cref="ArgumentException">The subject or reply subject is invalid (wildcards are not publishable).</exception>
    /// <exception cref="NatsPayloadTooLargeException">Headers + payload exceed the server's <c>max_payload</c>;
    /// checked before anything is written, since the server would close the connection.</exception>
    /// <exception cref="NatsReconnectBufferExceededException">Disconnected and the reconnect buffer is full.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ConnectAsync"/> has not succeeded yet.</exception>
    /// <exception cref="ObjectDisposedException">The connection is closed.</exception>
    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        ThrowIfNotStarted();
        NatsSubject.Validate(subject, allowWildcards: false, nameof(subject));
        if (replyTo is not null)
        {
            NatsSubject.Validate(replyTo, allowWildcards: false, nameof(replyTo));
        }

        var headerLength = headers?.GetEncodedLength() ?? 0;
        var size = (long)headerLength + payload.Length;
        var maxPayload = ServerInfo?.MaxPayload ?? NatsServerInfo.DefaultMaxPayload;
        if (size > maxPayload)
        {
            throw new NatsPayloadTooLargeException(subject, size, maxPayload);
        }

        ValueTask pending;
        try
        {
            pending = _writer.PublishAsync(subject, replyTo, headers, headerLength, payload, cancellationToken);
        }
        catch (NatsReconnectBufferExceededException ex)
        {
            OnPublishRefused(subject, ex);
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            CountPublished(size);
            return default;
        }

        return AwaitPublishAsync(pending, subject, size);
    }

    private async ValueTask AwaitPublishAsync(ValueTask pending, string subject, long size)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (NatsReconnectBufferExceededException ex)
        {
            OnPublishRefused(subject, ex);
            throw;
        }

        CountPublished(size);
    }

    public ValueTask<INatsSubscription> SubscribeAsync(string subject, string? queueGroup = null, CancellationToken cancellationToken = default) =>
        new(Subscribe(subject, queueGroup, handler: null, maxMsgs: null));

    public ValueTask<INatsSubscription> SubscribeAsync(string subject, string? queueGroup, Action<NatsMsg> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(Subscribe(subject, queueGroup, handler, maxMsgs: null));
    }

    /// <summary>
    /// Sends SUB (and UNSUB <paramref name="maxMsgs"/> in the same batch) and starts routing messages of the new sid.
    /// The server learns of it when the batch is written; use <see cref="FlushAsync"/> to wait for that. Across a
    /// cluster, interest reaches other nodes asynchronously even after the PONG.
    /// </summary>
    /// <exception cref="ArgumentException">The subject or queue group is invalid.</exception>
    public NatsSubscription Subscribe(string subject, string? queueGroup = null, Action<NatsMsg>? handler = null, long? maxMsgs = null)
    {
        ThrowIfNotStarted();
        NatsSubject.Validate(subject, allowWildcards: true, nameof(subject));
        if (queueGroup is not null)
        {
            NatsSubject.ValidateQueue(queueGroup, nameof(queueGroup));
        }

        if (maxMsgs is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMsgs), maxMsgs, "maxMsgs must be at least 1.");
        }

        var sid = Interlocked.Increment(ref _nextSid);
        var subscription = new NatsSubscription(this, sid, subject, queueGroup, maxMsgs, handler, _options.SubscriptionChannelCapacity);
        // Table and SUB change together under the writer lock, so the reconnect replay never disagrees with them.
        lock (_writer.SyncRoot)
        {
            _subscriptions[sid] = subscription;
            _writer.WriteSubscribe(sid, subject, queueGroup, maxMsgs);
        }

        return subscription;
    }

    /// <summary>PING, then wait for the PONG: every command written before has been processed by the server.</summary>
    /// <exception cref="NatsConnectionException">The connection was lost before the PONG.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotStarted();
        var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writer.WritePing(pong);
        await pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drains and closes: UNSUB every subscription, flush (PING/PONG, bounded by <see cref="NatsClientOptions.DrainTimeout"/>)
    /// so buffered publishes reach the server, then close the socket and complete every subscription channel.
    /// Disposing while reconnecting skips the drain: whatever sits in the reconnect buffer is discarded.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (State == NatsConnectionState.Connected)
        {
            try
            {
                lock (_writer.SyncRoot)
                {
                    foreach (var sid in _subscriptions.Keys)
                    {
                        _writer.WriteUnsubscribe(sid, maxMsgs: null);
                    }
                }

                using var timeout = new CancellationTokenSource(_options.DrainTimeout);
                var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _writer.WritePing(pong);
                await pong.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                NatsClientLog.DrainFailed(_logger, ex);
            }
        }

        Volatile.Write(ref _state, (int)NatsConnectionState.Closed);
        _disposeCts.Cancel();
        Volatile.Read(ref _session)?.Abort(new ObjectDisposedException(nameof(NatsConnection), "The NATS connection was disposed."));
        if (_runTask is { } run)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // Shutdown noise: the loops were told to stop.
            }
        }

        CloseEverything(new ObjectDisposedException(nameof(NatsConnection), "The NATS connection is closed."));
    }

    internal void Unsubscribe(NatsSubscription subscription)
    {
        if (!subscription.MarkDisposed())
        {
            return;
        }

        lock (_writer.SyncRoot)
        {
            if (_subscriptions.TryRemove(subscription.Sid, out _))
            {
                _writer.WriteUnsubscribe(subscription.Sid, maxMsgs: null);
            }
        }

        subscription.Complete();
    }

    internal void AutoUnsubscribe(NatsSubscription subscription, long maxMsgs)
    {
        lock (_writer.SyncRoot)
        {
            if (_subscriptions.ContainsKey(subscription.Sid))
            {
                subscription.SetMax(maxMsgs);
                _writer.WriteUnsubscribe(subscription.Sid, maxMsgs);
            }
        }

        if (subscription.Delivered >= maxMsgs)
        {
            RemoveCompleted(subscription);
        }
    }

    private void RemoveCompleted(NatsSubscription subscription)
    {
        // The server already forgot the sid (UNSUB max reached): no UNSUB to send.
        if (_subscriptions.TryRemove(subscription.Sid, out _))
        {
            subscription.MarkDisposed();
            subscription.Complete();
        }
    }

    private void CloseEverything(Exception reason)
    {
        Volatile.Write(ref _state, (int)NatsConnectionState.Closed);
        _writer.Close(reason);
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.MarkDisposed();
            subscription.Complete();
        }

        _subscriptions.Clear();
    }

    private void CountPublished(long size)
    {
        Interlocked.Increment(ref Statistics.MessagesOut);
        Interlocked.Add(ref Statistics.PayloadBytesOut, size);
    }

    private void OnPublishRefused(string subject, NatsReconnectBufferExceededException ex)
    {
        Interlocked.Increment(ref Statistics.PublishesRefusedBufferFull);
        NatsClientLog.PublishRefused(_logger, subject, ex.Limit);
    }

    private void ThrowIfNotStarted()
    {
        var state = State;
        if (state == NatsConnectionState.Closed || Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(NatsConnection), "The NATS connection is closed.");
        }

        if (state is NatsConnectionState.Disconnected or NatsConnectionState.Connecting)
        {
            throw new InvalidOperationException("The NATS connection is not connected yet: await ConnectAsync first.");
        }
    }

    private bool TrySetState(NatsConnectionState to, NatsConnectionState from) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    private void Raise(EventHandler? handler, string name)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            NatsClientLog.EventHandlerFailed(_logger, name, ex);
        }
    }

    /// <summary>Re-SUB of every live subscription, written ahead of the reconnect buffer (runs under the writer lock).</summary>
    private void ReplaySubscriptions(IBufferWriter<byte> buffer)
    {
        foreach (var subscription in _subscriptions.Values.OrderBy(s => s.Sid))
        {
            var remaining = subscription.Remaining;
            if (remaining is 0)
            {
                continue;
            }

            NatsProtocolWriter.WriteSubscribe(buffer, subscription.Sid, subscription.Subject, subscription.QueueGroup, remaining);
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
