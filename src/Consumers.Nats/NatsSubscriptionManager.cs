using Consumers.Groups;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// The layer's NATS subscriptions (the role of SignalR's <c>RedisSubscriptionManager</c>): one per group with members
/// on this node, taken on the first local join and dropped on the last leave, and this node's own for channel
/// messages. While an outage's replay is due, every subscription holds its live messages (<see cref="HoldAll"/>), new
/// ones included, until <see cref="ReleaseAll"/>.
/// </summary>
internal sealed class NatsSubscriptionManager
{
    private readonly INatsConnection _connection;
    private readonly NatsGroupLayerOptions _options;
    private readonly NatsSubjects _subjects;
    private readonly NatsMessageCodec _codec;
    private readonly LocalGroups _local;
    private readonly ILogger _logger;
    private readonly Dictionary<string, NatsSubscription> _subscriptions = new(StringComparer.Ordinal);

    // Joins and leaves of one group are serialized (reference counting by membership); groups are spread over these
    // locks by name, so a join that waits for an unreachable server holds up only the groups of its stripe, and only
    // for PublishTimeout at most.
    private readonly SemaphoreSlim[] _groupLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // Guards _subscriptions' contents, _nodeSubscription and _holding (never held across an await).
    private readonly Lock _gate = new();
    private NatsSubscription? _nodeSubscription;
    private bool _holding;

    public NatsSubscriptionManager(INatsConnection connection, NatsGroupLayerOptions options, NatsSubjects subjects, NatsMessageCodec codec, LocalGroups local, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _subjects = subjects;
        _codec = codec;
        _local = local;
        _logger = logger;
    }

    /// <summary>Whether messages are kept in JetStream: subscriptions then drop duplicates and are born holding.</summary>
    public bool Replay { get; set; }

    /// <summary>The groups this node holds a NATS subscription for.</summary>
    public IReadOnlyCollection<string> Groups
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Keys];
            }
        }
    }

    /// <summary>A one-line picture of every subscription, for failure messages.</summary>
    public string State => string.Join("; ", Snapshot().Select(s => s.State));

    /// <summary>Takes this node's subscription for messages to its channels.</summary>
    public Task SubscribeNodeAsync(string nodeId, CancellationToken cancellationToken)
        => SubscribeAsync(null, _subjects.ForNode(nodeId), m => _local.DeliverToChannel(m.Channel!, m.Message), cancellationToken);

    /// <summary>
    /// Brings the subscription of one group in line with its local membership, under the group's lock, so a join and a
    /// leave racing on the same group always end with the right state. Taking a subscription waits for the server at
    /// most PublishTimeout (then the join fails with <see cref="NatsGroupLayerUnavailableException"/>); dropping one
    /// never waits for it.
    /// </summary>
    public async Task SyncAsync(string group, CancellationToken cancellationToken)
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

    /// <summary>From now on live messages wait, on every subscription and on those taken later, until <see cref="ReleaseAll"/>.</summary>
    public void HoldAll()
    {
        lock (_gate)
        {
            _holding = true;
            foreach (var subscription in SnapshotUnderGate())
            {
                subscription.Hold();
            }
        }
    }

    /// <summary>Every subscription delivers what it held and goes live.</summary>
    public void ReleaseAll()
    {
        lock (_gate)
        {
            _holding = false;
            foreach (var subscription in SnapshotUnderGate())
            {
                subscription.Release();
            }
        }
    }

    /// <summary>The subscriptions now (the node's last).</summary>
    public List<NatsSubscription> Snapshot()
    {
        lock (_gate)
        {
            return SnapshotUnderGate();
        }
    }

    /// <summary>A new client subscription on <paramref name="subject"/>, with the layer's channel bound.</summary>
    public ValueTask<INatsSub<byte[]>> NewSubAsync(string subject, CancellationToken cancellationToken)
        => _connection.SubscribeCoreAsync(
            subject,
            serializer: NatsRawSerializer<byte[]>.Default,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = _options.SubscriptionCapacity, FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait } },
            cancellationToken: cancellationToken);

    /// <summary>Drops every subscription (on a connection the layer does not own, which stays open).</summary>
    public async ValueTask DisposeAllAsync()
    {
        foreach (var subscription in Snapshot())
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
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
        var subscription = new NatsSubscription(sub, _codec.Decode, deliver, ex => NatsGroupLayerLog.DeliveryFailed(_logger, subject, ex), deduplicate: Replay, hold: Replay);
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

            if (!_holding)
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
