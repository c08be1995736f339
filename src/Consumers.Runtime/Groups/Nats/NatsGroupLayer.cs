using Consumers.Diagnostics;
using Consumers.Groups.Nats.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Consumers.Groups.Nats;

/// <summary>
/// The group layer between server nodes over NATS (the counterpart of channels_redis and SignalR's backplane).
/// Each node serves its own members in-process and keeps one NATS subscription per group that has members on it,
/// taken on the first local join and dropped on the last leave. A group send is delivered to local members
/// directly and published once for the other nodes (the connection has <c>echo: false</c>, so it never comes back);
/// <c>excludeSelf</c> travels as the sender's channel name in a header, so it holds on every node.
/// </summary>
/// <remarks>
/// NATS delivers at most once. Interest crosses a cluster's routes asynchronously (NATS.md: median ~270 µs, up to
/// tens of milliseconds), so a message sent to a group in the moment another node's first member joins may miss
/// that node. While the server is unreachable, publishes wait in the client's reconnect buffer
/// (<see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>) and are sent after the reconnect, which also
/// re-subscribes every group.
/// </remarks>
internal sealed class NatsGroupLayer : IGroupLayer, IHostedLifecycleService, IAsyncDisposable
{
    internal const string ExcludeHeader = "Consumers-Exclude";
    internal const string ChannelHeader = "Consumers-Channel";

    private readonly LocalGroups _local;
    private readonly NodeIdentity _node;
    private readonly NatsGroupLayerOptions _options;
    private readonly ILogger _logger;
    private readonly NatsConnection _connection;
    private readonly NatsSubjects _subjects;
    private readonly Dictionary<string, INatsSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);
    private INatsSubscription? _nodeSubscription;
    private int _disposed;

    public NatsGroupLayer(LocalGroups local, NodeIdentity node, IOptions<NatsGroupLayerOptions> options, ILoggerFactory loggerFactory)
    {
        _local = local;
        _node = node;
        _options = options.Value;
        _options.Validate();
        _logger = loggerFactory.CreateLogger("Consumers.Groups.Nats");
        _subjects = new NatsSubjects(_options.SubjectPrefix);
        var client = new NatsClientOptions
        {
            Urls = [.. _options.Urls],
            Name = "consumers-" + node.Id,
            Echo = false,
            Username = _options.Username,
            Password = _options.Password,
            Token = _options.Token,
            ReconnectBufferSize = _options.ReconnectBufferSize,
        };
        client.Validate();
        _connection = new NatsConnection(client, loggerFactory.CreateLogger("Consumers.Groups.Nats.Client"));
        _connection.Disconnected += (_, _) => NatsGroupLayerLog.Disconnected(_logger);
        _connection.Reconnected += (_, _) => NatsGroupLayerLog.Reconnected(_logger);
    }

    /// <summary>The groups this node holds a NATS subscription for.</summary>
    internal IReadOnlyCollection<string> SubscribedGroups
    {
        get
        {
            _subscriptionLock.Wait();
            try
            {
                return [.. _subscriptions.Keys];
            }
            finally
            {
                _subscriptionLock.Release();
            }
        }
    }

    /// <summary>The underlying client, for tests and diagnostics.</summary>
    internal NatsConnection Connection => _connection;

    // Connected before any hosted service starts, Kestrel included, so no consumer can join before NATS is there.
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await _connection.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"The NATS group layer could not connect to {string.Join(", ", _options.Urls)} within {_options.ConnectTimeout.TotalSeconds:0.#} s. " +
                "Start nats-server (apt-get install -y nats-server; nats-server -a 127.0.0.1 -p 4222) or set Consumers:Nats:Url.",
                ex);
        }

        _nodeSubscription = await _connection.SubscribeAsync(_subjects.ForNode(_node.Id), null, OnChannelMessage, cancellationToken).ConfigureAwait(false);
        await _connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        NatsGroupLayerLog.Started(_logger, string.Join(", ", _options.Urls), _node.Id);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After every hosted service stopped (Kestrel has closed the sockets, members have left): drain and close.
    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask AddAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        if (_local.Add(group, member))
        {
            await SyncSubscriptionAsync(group, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DiscardAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        if (_local.Remove(group, member))
        {
            await SyncSubscriptionAsync(group, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        ConsumerMetrics.GroupMessagesSent.Add(1);
        _local.Deliver(group, message);
        NatsHeaders? headers = null;
        if (message.ExcludeChannel is not null || message.Headers.Count > 0)
        {
            headers = new NatsHeaders();
            if (message.ExcludeChannel is not null)
            {
                headers.Add(ExcludeHeader, message.ExcludeChannel);
            }

            foreach (var header in message.Headers)
            {
                headers.Add(header.Key, header.Value);
            }
        }

        await PublishAsync(_subjects.ForGroup(group), group, message.Payload, headers, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default)
    {
        var node = NodeIdentity.NodeOf(channelName);
        if (node is null || node == _node.Id)
        {
            _local.DeliverToChannel(channelName, message);
            return;
        }

        var headers = new NatsHeaders();
        headers.Add(ChannelHeader, channelName);
        foreach (var header in message.Headers)
        {
            headers.Add(header.Key, header.Value);
        }

        await PublishAsync(_subjects.ForNode(node), channelName, message.Payload, headers, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask PublishAsync(string subject, string target, ReadOnlyMemory<byte> payload, NatsHeaders? headers, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.PublishAsync(subject, payload, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            // Local members already have it; the other nodes cannot get it. Counted, logged, and the caller learns.
            ConsumerMetrics.NatsPublishFailed.Add(1);
            NatsGroupLayerLog.PublishFailed(_logger, target, ex);
            throw;
        }
    }

    // Brings the subscription of one group in line with its local membership. Under one lock, so a join and a
    // leave racing on the same group always end with the right state (reference counting by membership).
    private async Task SyncSubscriptionAsync(string group, CancellationToken cancellationToken)
    {
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = _local.HasMembers(group);
            var subscribed = _subscriptions.TryGetValue(group, out var subscription);
            if (wanted && !subscribed)
            {
                _subscriptions[group] = await _connection.SubscribeAsync(
                    _subjects.ForGroup(group),
                    null,
                    message => _local.Deliver(group, ToGroupMessage(message)),
                    cancellationToken).ConfigureAwait(false);

                // A PONG after the SUB: the server has the interest before the join completes.
                await _connection.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (!wanted && subscribed)
            {
                _subscriptions.Remove(group);
                await subscription!.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
        {
            NatsGroupLayerLog.SubscriptionFailed(_logger, group, ex);
            throw;
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    private void OnChannelMessage(NatsMsg message)
    {
        if (message.Headers?[ChannelHeader] is { } channel)
        {
            _local.DeliverToChannel(channel, ToGroupMessage(message));
        }
    }

    // The group message as it was sent: our routing headers taken out, the sender's headers kept in order.
    private static GroupMessage ToGroupMessage(NatsMsg message)
    {
        if (message.Headers is not { Count: > 0 } natsHeaders)
        {
            return new GroupMessage(message.Payload);
        }

        string? exclude = null;
        List<KeyValuePair<string, string>>? headers = null;
        foreach (var header in natsHeaders)
        {
            switch (header.Key)
            {
                case ExcludeHeader:
                    exclude = header.Value;
                    break;
                case ChannelHeader:
                    break;
                default:
                    (headers ??= []).Add(header);
                    break;
            }
        }

        return new GroupMessage(message.Payload, exclude, headers);
    }
}
