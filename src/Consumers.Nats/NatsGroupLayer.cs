using Consumers.Groups;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

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
/// <para>This type is the layer's lifetime: it connects, hands joins, leaves and sends to its parts, and tells them of
/// the connection's losses and returns. The parts: <see cref="NatsMessageCodec"/> (a group message as a NATS message),
/// <see cref="NatsPublisher"/> with its <see cref="NatsOutbox"/> and <see cref="NatsRepublishWindow"/> (publishing, in
/// sequence), <see cref="NatsSubscriptionManager"/> (the subscriptions), <see cref="NatsOutageReplay"/> over
/// <see cref="NatsReplayStream"/> (recovery from an outage) and <see cref="NatsPacer"/> (a backlog paced to the
/// receiving clients).</para>
/// <para>The layer degrades, the application stays up: nothing waits for NATS. Members on this node get a message at
/// once whatever NATS does; a join takes effect locally at once (the NATS subscription follows, and while NATS answers
/// the join waits for it briefly so that a message sent from another node right after it arrives); a send for the
/// other nodes is written to the client or queued in the outbox, which drains in order once NATS is back.</para>
/// <para>Core NATS is at-most-once: what a node publishes while another is reconnecting is lost to it. With JetStream
/// (<see cref="NatsGroupLayerOptions.JetStream"/>) every message is also kept in a stream for
/// <see cref="NatsGroupLayerOptions.ReplayWindow"/>; a node that lost the connection replays the stream from that
/// moment after the reconnect, dropping what it already had by (sending node, sequence), so each message is delivered
/// once and in order per sender. A message from another node goes only to members that had joined when it was sent
/// (<see cref="NatsGroupLayerOptions.ClockSkew"/>). Interest crosses a cluster's routes asynchronously, so a message
/// sent to a group in the moment another node's first member joins may miss that node.</para>
/// </remarks>
internal sealed class NatsGroupLayer : IGroupLayer, IGroupReplay, IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>
    /// Longest a first join on this node waits for its NATS subscription while NATS is open (normally one round trip
    /// to the server, well under a millisecond on a LAN). Past it, and at once while NATS is unreachable, the join
    /// completes and the subscription follows in the background.
    /// </summary>
    internal static readonly TimeSpan JoinWait = TimeSpan.FromMilliseconds(500);

    private readonly LocalGroups _local;
    private readonly NodeIdentity _node;
    private readonly NatsGroupLayerOptions _options;
    private readonly ILogger _logger;
    private readonly INatsConnection _connection;
    private readonly bool _ownsConnection;
    private readonly NatsSubjects _subjects;
    private readonly NatsMessageCodec _codec;
    private readonly NatsPublisher _publisher;
    private readonly NatsSubscriptionManager _subscriptions;
    private readonly NatsPacer _pacer;
    private readonly CancellationTokenSource _stopping = new();

    // Taken once: still readable (and cancelled) after _stopping is disposed.
    private readonly CancellationToken _stoppingToken;
    private NatsOutageReplay? _replay;
    private NatsReplayStream? _stream;
    private int _disposed;

    public NatsGroupLayer(LocalGroups local, NodeIdentity node, IOptions<NatsGroupLayerOptions> options, ILoggerFactory loggerFactory, INatsConnection? connection = null)
    {
        _local = local;
        _node = node;
        _options = options.Value;
        _options.Validate();
        _logger = loggerFactory.CreateLogger("Consumers.Nats");
        _subjects = new NatsSubjects(_options.SubjectPrefix);
        _codec = new NatsMessageCodec(node.Id);
        _ownsConnection = connection is null;
        _connection = connection ?? new NatsConnection(_options.ToNatsOpts("consumers-" + node.Id, loggerFactory));
        _stoppingToken = _stopping.Token;
        _pacer = new NatsPacer(_stoppingToken);
        _publisher = new NatsPublisher(_connection, _options, _codec, _logger, _stoppingToken);
        _subscriptions = new NatsSubscriptionManager(_connection, _options, _subjects, _codec, local, _pacer, _logger, _stoppingToken);

        // A message from another node goes to the members that had joined when it was sent.
        local.TrackJoinTimes();
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
        => $"connection {_connection.ConnectionState}, {_publisher.State}, {_replay?.State ?? "no replay"}; {_subscriptions.State}";

    /// <summary>The running (or last) replay, for tests.</summary>
    internal Task ReplayTask => _replay?.Task ?? Task.CompletedTask;

    /// <summary>The groups this node holds a NATS subscription for.</summary>
    internal IReadOnlyCollection<string> SubscribedGroups => _subscriptions.Groups;

    /// <summary>Bytes waiting in the outbox for NATS.</summary>
    internal long OutboxBytes => _publisher.OutboxBytes;

    /// <summary>The outbox's drain loop (running or last), for tests.</summary>
    internal Task DrainTask => _publisher.Drain;

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
            var stream = new NatsReplayStream(_connection, _options, _subjects);
            using var jsTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            jsTimeout.CancelAfter(_options.ConnectTimeout);
            var unavailable = await stream.EnsureAsync(jsTimeout.Token).ConfigureAwait(false);
            if (unavailable is null)
            {
                _replay = new NatsOutageReplay(_connection, stream, _subscriptions, _codec, _logger, _options.ReplayWindow, _stoppingToken);
                _stream = stream;
                _publisher.Replay = true;
                _subscriptions.Replay = true;
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

        await _subscriptions.SubscribeNodeAsync(_node.Id, cancellationToken).ConfigureAwait(false);
        NatsGroupLayerLog.Started(_logger, string.Join(", ", _options.Urls), _node.Id);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After every hosted service stopped (Kestrel has closed the sockets, members have left): close.
    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    // The member is in the group on this node at once; the group's NATS subscription (on its first member here)
    // follows. While NATS is open the join waits for it, at most JoinWait, so that a message another node sends right
    // after the join reaches the member; while NATS is unreachable it does not wait at all.
    public ValueTask AddAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        if (!_local.Add(group, member))
        {
            return ValueTask.CompletedTask;
        }

        var sync = _subscriptions.SyncAsync(group);
        return sync.IsCompleted || _connection.ConnectionState != NatsConnectionState.Open
            ? ValueTask.CompletedTask
            : WaitForSubscriptionAsync(sync, cancellationToken);
    }

    // A leave takes effect locally at once; the subscription is dropped in the background on the group's last leave.
    public ValueTask DiscardAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        if (_local.Remove(group, member))
        {
            _ = _subscriptions.SyncAsync(group);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        NatsGroupLayerMetrics.GroupMessagesSent.Add(1);
        if (_replay is not null && _local.HasOriginMembers(group))
        {
            return SendNumbered(group, message);
        }

        _local.Deliver(group, message);
        return _publisher.PublishAsync(_subjects.ForGroup(group), group, message, channel: null);
    }

    // A group with members here that track origins (resumable connections): local members get the message with its
    // origin, under the publisher's lock right after it is numbered, so they see this node's messages in sequence order
    // (what a client saw is then "everything up to a number"). A message the outbox refuses is never numbered: local
    // members still get it, without an origin.
    private ValueTask SendNumbered(string group, GroupMessage message)
    {
        var send = new NumberedSend(this, group, message);
        var publish = _publisher.PublishAsync(_subjects.ForGroup(group), group, message, channel: null, send.Numbered);
        if (!send.Delivered)
        {
            _local.Deliver(group, message);
        }

        return publish;
    }

    private sealed class NumberedSend(NatsGroupLayer layer, string group, GroupMessage message)
    {
        public bool Delivered { get; private set; }

        public void Numbered(long sequence)
        {
            Delivered = true;
            layer._local.Deliver(group, message.WithOrigin(new GroupMessageOrigin(group, layer._node.Id, sequence)));
        }
    }

    /// <inheritdoc/>
    public bool CanReplay => _stream is not null && !IsDisposed;

    /// <inheritdoc/>
    public TimeSpan ReplayWindow => _options.ReplayWindow;

    /// <inheritdoc/>
    public async Task<int> ReplayAsync(string group, DateTimeOffset since, Func<GroupMessage, ValueTask> deliver, CancellationToken cancellationToken)
    {
        GroupName.Validate(group);
        if (_stream is not { } stream || IsDisposed)
        {
            throw new InvalidOperationException("The NATS group layer keeps no messages (Consumers:Nats:JetStream is off, or JetStream was unavailable at start).");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stoppingToken);
        var delivered = 0;
        try
        {
            await stream.ReplayAsync(since, async msg =>
            {
                // Only what a node of the layer sent (numbered); this node's own messages included.
                if (_codec.Decode(msg.Data ?? [], msg.Headers, keepOwn: true) is { SenderNode: { } sender, Sequence: > 0, Channel: null } inbound)
                {
                    delivered++;
                    await deliver(inbound.Message.WithOrigin(new GroupMessageOrigin(group, sender, inbound.Sequence))).ConfigureAwait(false);
                }
            }, linked.Token, _subjects.ForGroup(group)).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            throw new InvalidOperationException($"The NATS group layer could not replay group '{group}': {ex.Message}", ex);
        }

        return delivered;
    }

    public ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default)
    {
        var node = NodeIdentity.NodeOf(channelName);
        if (node is null || node == _node.Id)
        {
            _local.DeliverToChannel(channelName, message);
            return ValueTask.CompletedTask;
        }

        return _publisher.PublishAsync(_subjects.ForNode(node), channelName, message, channelName);
    }

    private static async ValueTask WaitForSubscriptionAsync(Task sync, CancellationToken cancellationToken)
    {
        try
        {
            await sync.WaitAsync(JoinWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // NATS is slow to answer: the join stands, the subscription follows.
        }
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
            await ReplayTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        // What never reached NATS is counted and logged, not dropped silently.
        await _publisher.StopAsync().ConfigureAwait(false);

        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _subscriptions.DisposeAllAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        NatsGroupLayerLog.Disconnected(_logger, _options.ReconnectBufferSize, _options.PublishTimeout.TotalSeconds);
        _publisher.Lost();
        _replay?.Lost();

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
        // The outbox drains (the republish window first); the replay delivers what this node missed.
        _publisher.Opened();
        if (_replay is { } replay && !IsDisposed && replay.TryStart())
        {
            NatsGroupLayerLog.Reconnected(_logger);
        }

        return ValueTask.CompletedTask;
    }
}
