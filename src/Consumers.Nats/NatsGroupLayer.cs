using Consumers.Groups;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Consumers.Nats;

/// <summary>
/// The group layer between server nodes over NATS (the counterpart of channels_redis and SignalR's Redis backplane),
/// on NATS.Client.Core. Each node serves its own members in-process and keeps one NATS subscription per group that
/// has members on it, taken on the first local join and dropped on the last leave. A group send is delivered to local
/// members directly and published once for the other nodes (the connection has <c>echo: false</c>, and a message
/// tagged with this node is dropped should it come back); <c>excludeSelf</c>, channel sends and the message's headers
/// travel as NATS headers.
/// </summary>
/// <remarks>
/// Core NATS is at-most-once: what a node publishes while another is reconnecting is lost to it. With JetStream
/// (<see cref="NatsGroupLayerOptions.JetStream"/>) every message is also kept in a stream for
/// <see cref="NatsGroupLayerOptions.ReplayWindow"/>; a node that lost the connection replays the stream from that
/// moment after the reconnect, dropping what it already had by (sending node, sequence), so each message is delivered
/// once and in order per sender. While NATS is unreachable sends wait, bounded by
/// <see cref="NatsGroupLayerOptions.ReconnectBufferSize"/> and <see cref="NatsGroupLayerOptions.PublishTimeout"/>.
/// Interest crosses a cluster's routes asynchronously, so a message sent to a group in the moment another node's first
/// member joins may miss that node.
/// </remarks>
internal sealed class NatsGroupLayer : IGroupLayer, IHostedLifecycleService, IAsyncDisposable
{
    internal const string ExcludeHeader = "Consumers-Exclude";
    internal const string ChannelHeader = "Consumers-Channel";
    internal const string NodeHeader = "Consumers-Node";
    internal const string SequenceHeader = "Consumers-Seq";

    // The replay starts this much before the connection was lost: the server stamps messages with its own clock.
    private static readonly TimeSpan ReplayMargin = TimeSpan.FromSeconds(2);

    // How far back a sender publishes again after a reconnect: longer than a lost server takes to be noticed.
    private static readonly TimeSpan RepublishWindow = TimeSpan.FromSeconds(1);

    private readonly LocalGroups _local;
    private readonly NodeIdentity _node;
    private readonly NatsGroupLayerOptions _options;
    private readonly ILogger _logger;
    private readonly INatsConnection _connection;
    private readonly bool _ownsConnection;
    private readonly NatsSubjects _subjects;
    private readonly Dictionary<string, NatsSubscription> _subscriptions = new(StringComparer.Ordinal);
    // Joins and leaves of one group are serialized (reference counting by membership); groups are spread over these
    // locks by name, so a join that waits for an unreachable server holds up only the groups of its stripe, and only
    // for PublishTimeout at most.
    private readonly SemaphoreSlim[] _groupLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private readonly Queue<SentMessage> _recent = new();
    private long _recentBytes;
    private long? _republishSince;
    private TaskCompletionSource _opened = NewOpened(completed: true);

    // Guards _subscriptions' contents, _nodeSubscription and _lostAt (never held across an await).
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private NatsSubscription? _nodeSubscription;
    private NatsReplayStream? _replay;
    private DateTimeOffset? _lostAt;
    private Task _replayTask = Task.CompletedTask;
    private long _sequence;
    private long _heldBytes;
    private int _disposed;

    public NatsGroupLayer(LocalGroups local, NodeIdentity node, IOptions<NatsGroupLayerOptions> options, ILoggerFactory loggerFactory, INatsConnection? connection = null)
    {
        _local = local;
        _node = node;
        _options = options.Value;
        _options.Validate();
        _logger = loggerFactory.CreateLogger("Consumers.Nats");
        _subjects = new NatsSubjects(_options.SubjectPrefix);
        _ownsConnection = connection is null;
        _connection = connection ?? new NatsConnection(_options.ToNatsOpts("consumers-" + node.Id, loggerFactory));
        _connection.ConnectionDisconnected += OnDisconnectedAsync;
        _connection.ConnectionOpened += OnOpenedAsync;
        _connection.LameDuckModeActivated += OnLameDuckAsync;
    }

    /// <summary>The connection the layer uses.</summary>
    internal INatsConnection Connection => _connection;

    /// <summary>Whether the layer has been stopped (its connection is closed, or no longer its to use).</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Whether group messages are kept in JetStream and replayed after a reconnect.</summary>
    internal bool ReplayEnabled => _replay is not null;

    /// <summary>A one-line picture of the layer's state, for failure messages.</summary>
    internal string State
    {
        get
        {
            lock (_gate)
            {
                return $"connection {_connection.ConnectionState}, held {Interlocked.Read(ref _heldBytes)} B, publish lock {(_publishLock.CurrentCount == 0 ? "taken" : "free")}, sequence {Interlocked.Read(ref _sequence)}, lost at {_lostAt?.ToString("O") ?? "-"}, replay {(_replayTask.IsCompleted ? "done" : "running")}; " +
                    string.Join("; ", SnapshotUnderGate().Select(s => s.State));
            }
        }
    }

    /// <summary>The running (or last) replay, for tests.</summary>
    internal Task ReplayTask => _replayTask;

    /// <summary>The groups this node holds a NATS subscription for.</summary>
    internal IReadOnlyCollection<string> SubscribedGroups
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Keys];
            }
        }
    }

    // Connected before any hosted service starts, Kestrel included, so no consumer can join before NATS is there.
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"The NATS group layer could not connect to {string.Join(", ", _options.Urls)} within {_options.ConnectTimeout.TotalSeconds:0.#} s. " +
                "Start nats-server (apt-get install -y nats-server; nats-server -js -a 127.0.0.1 -p 4222) or set Consumers:Nats:Url.",
                ex);
        }

        if (_options.JetStream)
        {
            var replay = new NatsReplayStream(_connection, _options, _subjects);
            using var jsTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            jsTimeout.CancelAfter(_options.ConnectTimeout);
            var unavailable = await replay.EnsureAsync(jsTimeout.Token).ConfigureAwait(false);
            if (unavailable is null)
            {
                _replay = replay;
                NatsGroupLayerLog.ReplayEnabled(_logger, _options.StreamName, _options.ReplayWindow.TotalSeconds);
            }
            else
            {
                NatsGroupLayerLog.ReplayUnavailable(_logger, unavailable);
            }
        }
        else
        {
            NatsGroupLayerLog.ReplayUnavailable(_logger, "Consumers:Nats:JetStream = false");
        }

        await SubscribeAsync(null, _subjects.ForNode(_node.Id), m => _local.DeliverToChannel(m.Channel!, m.Message), cancellationToken).ConfigureAwait(false);
        NatsGroupLayerLog.Started(_logger, string.Join(", ", _options.Urls), _node.Id);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After every hosted service stopped (Kestrel has closed the sockets, members have left): close.
    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask AddAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        if (_local.Add(group, member))
        {
            try
            {
                await SyncSubscriptionAsync(group, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The join failed (NATS unreachable past PublishTimeout): the member is not left half-joined.
                _local.Remove(group, member);
                throw;
            }
        }
    }

    public async ValueTask DiscardAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        if (_local.Remove(group, member))
        {
            await SyncSubscriptionAsync(group, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        NatsGroupLayerMetrics.GroupMessagesSent.Add(1);
        _local.Deliver(group, message);
        return PublishAsync(_subjects.ForGroup(group), group, message, channel: null, cancellationToken);
    }

    public ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default)
    {
        var node = NodeIdentity.NodeOf(channelName);
        if (node is null || node == _node.Id)
        {
            _local.DeliverToChannel(channelName, message);
            return ValueTask.CompletedTask;
        }

        return PublishAsync(_subjects.ForNode(node), channelName, message, channelName, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _connection.ConnectionDisconnected -= OnDisconnectedAsync;
        _connection.ConnectionOpened -= OnOpenedAsync;
        _connection.LameDuckModeActivated -= OnLameDuckAsync;
        try
        {
            await _replayTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            foreach (var subscription in Snapshot())
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }

        _stopping.Dispose();
    }

    // Publishes are numbered and written one at a time, so every node sees one sender's messages in sequence order
    // (the replay's duplicate check relies on it) and messages held during an outage leave in the order they were sent.
    private async ValueTask PublishAsync(string subject, string target, GroupMessage message, string? channel, CancellationToken cancellationToken)
    {
        var held = 0L;
        CancellationTokenSource? timeout = null;
        try
        {
            var token = cancellationToken;
            if (_connection.ConnectionState != NatsConnectionState.Open)
            {
                held = message.Payload.Length + 128;
                if (Interlocked.Add(ref _heldBytes, held) > _options.ReconnectBufferSize)
                {
                    throw new NatsGroupLayerUnavailableException(
                        $"NATS is unreachable and the messages held for it passed Consumers:Nats:ReconnectBufferSize ({_options.ReconnectBufferSize} bytes).");
                }

                timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.PublishTimeout);
                token = timeout.Token;
            }

            if (!_publishLock.Wait(0))
            {
                await _publishLock.WaitAsync(token).ConfigureAwait(false);
            }

            try
            {
                if (_replay is not null && !_opened.Task.IsCompleted)
                {
                    // Lost the connection after this send started: it waits like a held one, bounded the same way.
                    if (timeout is null)
                    {
                        timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        timeout.CancelAfter(_options.PublishTimeout);
                        token = timeout.Token;
                    }

                    await _opened.Task.WaitAsync(token).ConfigureAwait(false);
                }

                await RepublishAsync(token).ConfigureAwait(false);
                var sequence = ++_sequence;
                var headers = Headers(message, channel, sequence);
                await _connection.PublishAsync(subject, message.Payload, headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: token).ConfigureAwait(false);
                Remember(subject, message.Payload, headers);
            }
            finally
            {
                _publishLock.Release();
            }
        }
        catch (OperationCanceledException ex) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw Failed(target, new NatsGroupLayerUnavailableException(
                $"NATS was unreachable for longer than Consumers:Nats:PublishTimeout ({_options.PublishTimeout.TotalSeconds:0.###} s).", ex));
        }
        catch (NatsGroupLayerUnavailableException ex)
        {
            throw Failed(target, ex);
        }
        catch (NatsException ex)
        {
            throw Failed(target, ex);
        }
        finally
        {
            if (held != 0)
            {
                Interlocked.Add(ref _heldBytes, -held);
            }

            timeout?.Dispose();
        }
    }

    // Under _publishLock. With replay on, the messages of the last RepublishWindow are kept (bounded by
    // ReconnectBufferSize): a publish written into a socket whose server had just died is gone without an error, and
    // those are published again, with their sequence numbers, before anything newer once the connection is back.
    private void Remember(string subject, ReadOnlyMemory<byte> payload, NatsHeaders headers)
    {
        if (_replay is null)
        {
            return;
        }

        var now = Environment.TickCount64;
        var size = payload.Length + 128;
        _recent.Enqueue(new SentMessage(subject, payload, headers, now, size));
        _recentBytes += size;
        while (_recent.TryPeek(out var oldest) && (now - oldest.At > (long)RepublishWindow.TotalMilliseconds || _recentBytes > _options.ReconnectBufferSize))
        {
            _recent.Dequeue();
            _recentBytes -= oldest.Size;
        }
    }

    // Under _publishLock: after a reconnect, sends again what was written in the RepublishWindow before the loss.
    // Receivers drop what they already have by (sending node, sequence).
    private async ValueTask RepublishAsync(CancellationToken cancellationToken)
    {
        long since;
        lock (_gate)
        {
            if (_republishSince is not { } pending)
            {
                return;
            }

            since = pending;
        }

        foreach (var sent in _recent)
        {
            if (sent.At >= since)
            {
                await _connection.PublishAsync(sent.Subject, sent.Payload, sent.Headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        lock (_gate)
        {
            _republishSince = null;
        }
    }

    // Local members already have it; the other nodes cannot get it. Counted, logged, and the caller learns.
    private Exception Failed(string target, Exception exception)
    {
        NatsGroupLayerMetrics.PublishFailed.Add(1);
        NatsGroupLayerLog.PublishFailed(_logger, target, exception);
        return exception;
    }

    private NatsHeaders Headers(GroupMessage message, string? channel, long sequence)
    {
        var headers = new NatsHeaders
        {
            { NodeHeader, _node.Id },
            { SequenceHeader, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (channel is not null)
        {
            headers.Add(ChannelHeader, channel);
        }
        else if (message.ExcludeChannel is not null)
        {
            headers.Add(ExcludeHeader, message.ExcludeChannel);
        }

        foreach (var header in message.Headers)
        {
            if (headers.TryGetValue(header.Key, out var values))
            {
                headers[header.Key] = Microsoft.Extensions.Primitives.StringValues.Concat(values, header.Value);
            }
            else
            {
                headers.Add(header.Key, header.Value);
            }
        }

        return headers;
    }

    // Brings the subscription of one group in line with its local membership, under the group's lock, so a join and a
    // leave racing on the same group always end with the right state. Taking a subscription waits for the server at most
    // PublishTimeout (then the join fails with NatsGroupLayerUnavailableException); dropping one never waits for it.
    private async Task SyncSubscriptionAsync(string group, CancellationToken cancellationToken)
    {
        var groupLock = _groupLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(group) % (uint)_groupLocks.Length)];
        await groupLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = _local.HasMembers(group);
            NatsSubscription? subscription;
            bool subscribed;
            lock (_gate)
            {
                subscribed = _subscriptions.TryGetValue(group, out subscription);
            }

            if (wanted && !subscribed)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.PublishTimeout);
                try
                {
                    await SubscribeAsync(group, _subjects.ForGroup(group), m => _local.Deliver(group, m.Message), timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
                    throw new NatsGroupLayerUnavailableException(
                        $"Joining group \"{group}\" failed: the NATS server did not answer within Consumers:Nats:PublishTimeout ({_options.PublishTimeout.TotalSeconds:0.###} s).",
                        ex);
                }
            }
            else if (!wanted && subscribed)
            {
                lock (_gate)
                {
                    _subscriptions.Remove(group);
                }

                // The UNSUB may have to wait for a reconnect: a leave (and a disconnect's clean-up) does not.
                _ = DisposeSubscriptionAsync(group, subscription!);
            }
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
        {
            NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
            throw;
        }
        finally
        {
            groupLock.Release();
        }
    }

    private async Task DisposeSubscriptionAsync(string group, NatsSubscription subscription)
    {
        try
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException or OperationCanceledException)
        {
            NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
        }
    }

    // group null: this node's subscription for channel messages.
    private async Task SubscribeAsync(string? group, string subject, Action<NatsInbound> deliver, CancellationToken cancellationToken)
    {
        var sub = await NewSubAsync(subject, cancellationToken).ConfigureAwait(false);
        // Born holding when replay is on; released at once unless an outage's replay is pending, which releases it.
        var subscription = new NatsSubscription(sub, Parse, deliver, ex => NatsGroupLayerLog.DeliveryFailed(_logger, subject, ex), deduplicate: _replay is not null, hold: _replay is not null);
        lock (_gate)
        {
            if (group is null)
            {
                _nodeSubscription = subscription;
            }
            else
            {
                _subscriptions[group] = subscription;
            }

            if (_lostAt is null)
            {
                subscription.Release();
            }
        }

        // A PONG after the SUB: the server has the interest before the join completes.
        if (_connection.ConnectionState == NatsConnectionState.Open)
        {
            await _connection.PingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask<INatsSub<byte[]>> NewSubAsync(string subject, CancellationToken cancellationToken)
        => _connection.SubscribeCoreAsync(
            subject,
            serializer: NatsRawSerializer<byte[]>.Default,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = _options.SubscriptionCapacity, FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait } },
            cancellationToken: cancellationToken);

    private NatsInbound? Parse(NatsMsg<byte[]> message) => Parse(message.Data ?? [], message.Headers);

    // The group message as it was sent: our routing headers taken out, the sender's headers kept in order.
    private NatsInbound? Parse(byte[] payload, NatsHeaders? natsHeaders)
    {
        if (natsHeaders is not { Count: > 0 })
        {
            return new NatsInbound(new GroupMessage(payload), null, null, 0);
        }

        string? exclude = null;
        string? channel = null;
        string? sender = null;
        long sequence = 0;
        List<KeyValuePair<string, string>>? headers = null;
        foreach (var header in natsHeaders)
        {
            switch (header.Key)
            {
                case ExcludeHeader:
                    exclude = header.Value;
                    break;
                case ChannelHeader:
                    channel = header.Value;
                    break;
                case NodeHeader:
                    sender = header.Value;
                    break;
                case SequenceHeader:
                    _ = long.TryParse(header.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
                    break;
                default:
                    foreach (var value in header.Value)
                    {
                        (headers ??= []).Add(new KeyValuePair<string, string>(header.Key, value ?? string.Empty));
                    }

                    break;
            }
        }

        // Our own message back (a connection the application handed us may have echo on): local members have it.
        if (sender == _node.Id)
        {
            return null;
        }

        return new NatsInbound(new GroupMessage(payload, exclude, headers), channel, sender, sequence);
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        NatsGroupLayerLog.Disconnected(_logger, _options.ReconnectBufferSize, _options.PublishTimeout.TotalSeconds);
        if (_replay is null)
        {
            return ValueTask.CompletedTask;
        }

        // Live messages wait from now on until the replay after the reconnect has delivered what was missed.
        lock (_gate)
        {
            _lostAt ??= DateTimeOffset.UtcNow;
            _republishSince ??= Environment.TickCount64 - (long)RepublishWindow.TotalMilliseconds;
            if (_opened.Task.IsCompleted)
            {
                _opened = NewOpened(completed: false);
            }

            foreach (var subscription in SnapshotUnderGate())
            {
                subscription.Hold();
            }
        }

        return ValueTask.CompletedTask;
    }

    // The server is shutting down gracefully (lame-duck mode: a NATS server asks its clients to leave before it
    // stops): move to another server now rather than when it closes us, up to its lame-duck duration later. The
    // replay covers the switch like any outage.
    private ValueTask OnLameDuckAsync(object? sender, NatsLameDuckModeActivatedEventArgs args)
    {
        NatsGroupLayerLog.LameDuck(_logger, args.Uri.ToString());
        _ = Task.Run(async () =>
        {
            try
            {
                await _connection.ReconnectAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
            {
                NatsGroupLayerLog.LameDuckMoveFailed(_logger, ex);
            }
        });
        return ValueTask.CompletedTask;
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs args)
    {
        DateTimeOffset? since;
        lock (_gate)
        {
            // Sends go on (the first one republishes the window); if none is waiting, publish the window now.
            _opened.TrySetResult();
            since = _lostAt;
            if (since is null || _replay is null || _disposed != 0)
            {
                return ValueTask.CompletedTask;
            }

            _ = Task.Run(RepublishNowAsync);

            NatsGroupLayerLog.Reconnected(_logger);
            var previous = _replayTask;
            _replayTask = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await ReplayAsync(since.Value).ConfigureAwait(false);
            });
        }

        return ValueTask.CompletedTask;
    }

    private async Task RepublishNowAsync()
    {
        try
        {
            await _publishLock.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                await RepublishAsync(_stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                _publishLock.Release();
            }
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Lost again or stopping: the next reconnect (or nothing) republishes.
        }
    }

    private static TaskCompletionSource NewOpened(bool completed)
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            opened.SetResult();
        }

        return opened;
    }

    private async Task ReplayAsync(DateTimeOffset since)
    {
        var delivered = 0;
        var read = 0;
        try
        {
            // Fresh subscriptions first (see NatsSubscription.ReplaceAsync), with a PONG so the server has them: whatever
            // is published from here on arrives live (and is held), everything before is in the stream.
            foreach (var subscription in Snapshot())
            {
                await subscription.ReplaceAsync(await NewSubAsync(subscription.Subject, _stopping.Token).ConfigureAwait(false)).ConfigureAwait(false);
            }

            await _connection.PingAsync(_stopping.Token).ConfigureAwait(false);

            // The server may have come back without the stream (a new store): create it again for the next outage.
            await _replay!.EnsureAsync(_stopping.Token).ConfigureAwait(false);
            var bySubject = Snapshot().ToDictionary(s => s.Subject, StringComparer.Ordinal);
            read = await _replay.ReplayAsync(since - ReplayMargin, msg =>
            {
                if (bySubject.TryGetValue(msg.Subject, out var subscription) && Parse(msg.Data ?? [], msg.Headers) is { } inbound && subscription.Replay(inbound))
                {
                    delivered++;
                }
            }, _stopping.Token).ConfigureAwait(false);
            NatsGroupLayerMetrics.Replayed.Add(delivered);
            NatsGroupLayerLog.Replayed(_logger, delivered, read - delivered);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException || (ex is OperationCanceledException && !_stopping.IsCancellationRequested))
        {
            NatsGroupLayerLog.ReplayFailed(_logger, ex);
        }
        finally
        {
            lock (_gate)
            {
                // Lost again during the replay: keep holding; the next replay starts from the first loss and covers both.
                if (_connection.ConnectionState == NatsConnectionState.Open || _stopping.IsCancellationRequested)
                {
                    _lostAt = null;
                    foreach (var subscription in SnapshotUnderGate())
                    {
                        subscription.Release();
                    }
                }
            }
        }
    }

    private List<NatsSubscription> Snapshot()
    {
        lock (_gate)
        {
            return SnapshotUnderGate();
        }
    }

    private List<NatsSubscription> SnapshotUnderGate()
    {
        var list = new List<NatsSubscription>(_subscriptions.Values);
        if (_nodeSubscription is not null)
        {
            list.Add(_nodeSubscription);
        }

        return list;
    }
}
