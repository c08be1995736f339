using Consumers.Groups;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// The layer's NATS subscriptions (the role of SignalR's <c>RedisSubscriptionManager</c>): one per group with members
/// on this node, taken on the first local join and dropped on the last leave, and this node's own for channel
/// messages. Nobody waits for them: a join or leave changes the local membership at once, and <see cref="SyncAsync"/>
/// brings the subscription in line in the background (while NATS is unreachable it waits for the reconnect, and it
/// tries again after a failure for as long as the group has members here). While an outage's replay is due, every
/// subscription holds its live messages (<see cref="HoldAll"/>), new ones included, until <see cref="StopHolding"/>.
/// </summary>
internal sealed class NatsSubscriptionManager
{
    private readonly INatsConnection _connection;
    private readonly NatsGroupLayerOptions _options;
    private readonly NatsSubjects _subjects;
    private readonly NatsMessageCodec _codec;
    private readonly LocalGroups _local;
    private readonly NatsPacer _pacer;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Dictionary<string, NatsSubscription> _subscriptions = new(StringComparer.Ordinal);

    // Subscription changes of one group are serialized (each one brings the subscription in line with the membership
    // it finds); groups are spread over these locks by name. A change waiting for an unreachable server holds up the
    // changes of its stripe's groups, never a join or a leave (they do not wait for these).
    private readonly SemaphoreSlim[] _groupLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // Guards _subscriptions' contents, _nodeSubscription and _holding (never held across an await).
    private readonly Lock _gate = new();
    private NatsSubscription? _nodeSubscription;
    private bool _holding;

    public NatsSubscriptionManager(INatsConnection connection, NatsGroupLayerOptions options, NatsSubjects subjects, NatsMessageCodec codec, LocalGroups local, NatsPacer pacer, ILogger logger, CancellationToken stopping)
    {
        _connection = connection;
        _options = options;
        _subjects = subjects;
        _codec = codec;
        _local = local;
        _pacer = pacer;
        _logger = logger;
        _stopping = stopping;
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
        => SubscribeAsync(
            null,
            _subjects.ForNode(nodeId),
            m => _local.DeliverToChannel(m.Channel!, m.Message),
            m => m.Channel is { } channel && _local.Channel(channel) is { } member ? [member] : [],
            cancellationToken);

    /// <summary>
    /// Brings the subscription of one group in line with its local membership, under the group's lock, so joins and
    /// leaves racing on the same group always end with the right state. Never throws: taking a subscription waits for
    /// NATS as long as it takes (and is tried again after a failure, for as long as the group has members here);
    /// dropping one never waits for it. Completes when the subscription is in line, or the layer stops.
    /// </summary>
    public async Task SyncAsync(string group)
    {
        var groupLock = _groupLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(group) % (uint)_groupLocks.Length)];
        try
        {
            await groupLock.WaitAsync(_stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            while (true)
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
                    try
                    {
                        await SubscribeAsync(group, _subjects.ForGroup(group), m => _local.Deliver(group, WithOrigin(group, m), JoinedBy(m)), _ => _local.Members(group), _stopping).ConfigureAwait(false);
                    }
                    catch (NatsException ex)
                    {
                        // The client gave up on this attempt: try again shortly, for as long as members are here.
                        NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
                        await Task.Delay(_options.ReconnectWait, _stopping).ConfigureAwait(false);
                        continue;
                    }
                    catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException))
                    {
                        // Not the server's doing: trying again would fail the same way. Logged; members here still
                        // get what this node sends to the group, and the group's next first member here tries again.
                        NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
                    }
                }
                else if (!wanted && subscribed)
                {
                    lock (_gate)
                    {
                        _subscriptions.Remove(group);
                    }

                    // The UNSUB may have to wait for a reconnect: the next change does not wait for it.
                    _ = DisposeSubscriptionAsync(group, subscription!);
                }

                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The layer stops (or its connection is gone with it).
        }
        finally
        {
            groupLock.Release();
        }
    }

    /// <summary>From now on live messages wait, on every subscription and on those taken later, until <see cref="StopHolding"/>.</summary>
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

    /// <summary>
    /// Stops holding: subscriptions taken from now on are born live, and each one that held messages is returned to
    /// be released (<see cref="NatsSubscription.ReleaseAsync"/>) once the replay is over.
    /// </summary>
    public List<NatsSubscription> StopHolding()
    {
        lock (_gate)
        {
            _holding = false;
            return [.. SnapshotUnderGate().Where(s => s.BeginRelease())];
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

    // A message from another node goes to the members that had joined when it was sent (its sender's clock, plus the
    // allowed clock skew); an untagged one to every member.
    // With replay on, a message for a group with members here that track origins (resumable connections) carries its
    // origin (group, sending node, sequence); otherwise it goes as it came.
    private GroupMessage WithOrigin(string group, NatsInbound message)
        => Replay && message is { SenderNode: { } sender, Sequence: > 0 } && _local.HasOriginMembers(group)
            ? message.Message.WithOrigin(new GroupMessageOrigin(group, sender, message.Sequence))
            : message.Message;

    private long JoinedBy(NatsInbound message)
        => message.SentAt == 0 ? long.MaxValue : message.SentAt + (long)_options.ClockSkew.TotalMilliseconds;

    // group null: this node's subscription for channel messages.
    private async Task SubscribeAsync(string? group, string subject, Action<NatsInbound> deliver, Func<NatsInbound, IReadOnlyList<IGroupMember>> recipients, CancellationToken cancellationToken)
    {
        var sub = await NewSubAsync(subject, cancellationToken).ConfigureAwait(false);
        // Born holding when replay is on; released at once unless an outage's replay is pending, which releases it.
        var subscription = new NatsSubscription(sub, _codec, deliver, recipients, _pacer, ex => NatsGroupLayerLog.DeliveryFailed(_logger, subject, ex), deduplicate: Replay, hold: Replay);
        NatsSubscription? release = null;
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

            if (!_holding && subscription.BeginRelease())
            {
                release = subscription;
            }
        }

        if (release is not null)
        {
            _ = release.ReleaseAsync();
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
