using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// Recovery from an outage with replay on: when the connection is lost, live messages wait on every subscription;
/// after the reconnect, fresh subscriptions are taken, the JetStream stream is replayed from a little before the loss
/// (what this node already had is dropped by sending node and sequence), and then the live messages that waited
/// follow, in order. The replayed and the held messages are paced to the receiving clients (<see cref="NatsPacer"/>).
/// </summary>
internal sealed class NatsOutageReplay
{
    // The replay starts this much before the connection was lost: the server stamps messages with its own clock.
    private static readonly TimeSpan ReplayMargin = TimeSpan.FromSeconds(2);

    // Between attempts while JetStream cannot replay yet, and the longest one stream creation may take in a replay.
    private static readonly TimeSpan RetryWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan EnsureLimit = TimeSpan.FromSeconds(10);

    private readonly INatsConnection _connection;
    private readonly NatsReplayStream _stream;
    private readonly NatsSubscriptionManager _subscriptions;
    private readonly NatsMessageCodec _codec;
    private readonly ILogger _logger;
    private readonly TimeSpan _retryFor;
    private readonly CancellationToken _stopping;

    // Guards _lostAt and _task (never held across an await).
    private readonly Lock _gate = new();
    private DateTimeOffset? _lostAt;
    private Task _task = Task.CompletedTask;

    // retryFor: how long a replay that JetStream cannot serve yet is asked again (the stream's ReplayWindow: older
    // messages are gone anyway). A cluster that lost the server leading the stream elects another within seconds.
    public NatsOutageReplay(INatsConnection connection, NatsReplayStream stream, NatsSubscriptionManager subscriptions, NatsMessageCodec codec, ILogger logger, TimeSpan retryFor, CancellationToken stopping)
    {
        _retryFor = retryFor;
        _connection = connection;
        _stream = stream;
        _subscriptions = subscriptions;
        _codec = codec;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>The running (or last) replay.</summary>
    public Task Task
    {
        get
        {
            lock (_gate)
            {
                return _task;
            }
        }
    }

    /// <summary>A one-line picture, for failure messages.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return $"lost at {_lostAt?.ToString("O") ?? "-"}, replay {(_task.IsCompleted ? "done" : "running")}";
            }
        }
    }

    /// <summary>The connection was lost: live messages wait from now on until the replay after the reconnect has delivered what was missed.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _lostAt ??= DateTimeOffset.UtcNow;
            _subscriptions.HoldAll();
        }
    }

    /// <summary>The connection is open again: starts the replay (after the previous one) when a loss is pending.</summary>
    /// <returns>Whether a replay was started.</returns>
    public bool TryStart()
    {
        lock (_gate)
        {
            if (_lostAt is not { } since)
            {
                return false;
            }

            var previous = _task;
            _task = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await ReplayAsync(since).ConfigureAwait(false);
            });
            return true;
        }
    }

    private async Task ReplayAsync(DateTimeOffset since)
    {
        var delivered = 0;
        var read = 0;
        try
        {
            // Subscriptions taken during the outage or the replay (a first join meanwhile) are replayed too, in a further
            // pass: what other nodes published for their groups while they were being taken is in the stream only.
            var replayed = new HashSet<NatsSubscription>();
            var ensured = false;
            while (_subscriptions.Snapshot().Where(s => !replayed.Contains(s)).ToList() is { Count: > 0 } pending)
            {
                // Fresh subscriptions first (see NatsSubscription.ReplaceAsync), with a PONG so the server has them:
                // whatever is published from here on arrives live (and is held), everything before is in the stream.
                foreach (var subscription in pending)
                {
                    await subscription.ReplaceAsync(await _subscriptions.NewSubAsync(subscription.Subject, _stopping).ConfigureAwait(false)).ConfigureAwait(false);
                }

                await _connection.PingAsync(_stopping).ConfigureAwait(false);
                if (!ensured)
                {
                    // The server may have come back without the stream (a new store): create it again for the next outage.
                    using var ensureLimit = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
                    ensureLimit.CancelAfter(EnsureLimit);
                    await _stream.EnsureAsync(ensureLimit.Token).ConfigureAwait(false);
                    ensured = true;
                }

                var bySubject = pending.ToDictionary(s => s.Subject, StringComparer.Ordinal);
                read += await ReplayRetryingAsync(since - ReplayMargin, async msg =>
                {
                    if (bySubject.TryGetValue(msg.Subject, out var subscription) && _codec.Decode(msg.Data ?? [], msg.Headers) is { } inbound
                        && await subscription.ReplayAsync(inbound).ConfigureAwait(false))
                    {
                        delivered++;
                    }
                }).ConfigureAwait(false);
                replayed.UnionWith(pending);
            }

            NatsGroupLayerMetrics.Replayed.Add(delivered);
            NatsGroupLayerLog.Replayed(_logger, delivered, read - delivered);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException || (ex is OperationCanceledException && !_stopping.IsCancellationRequested))
        {
            NatsGroupLayerLog.ReplayFailed(_logger, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        List<NatsSubscription> releasing = [];
        lock (_gate)
        {
            // Lost again during the replay: keep holding; the next replay starts from the first loss and covers both.
            if (_connection.ConnectionState == NatsConnectionState.Open || _stopping.IsCancellationRequested)
            {
                _lostAt = null;
                releasing = _subscriptions.StopHolding();
            }
        }

        // The live messages that waited follow, paced; the next replay (after a further loss) waits for them.
        await Task.WhenAll(releasing.Select(s => s.ReleaseAsync())).ConfigureAwait(false);
    }

    // The stream's replay, asked again while JetStream cannot serve it yet (503, or no answer: a cluster electing the
    // stream's leader after losing a server) for up to _retryFor. Asking again from the start is safe: what a
    // subscription already delivered is dropped by sending node and sequence.
    private async Task<int> ReplayRetryingAsync(DateTimeOffset since, Func<NATS.Client.JetStream.INatsJSMsg<byte[]>, ValueTask> route)
    {
        var deadline = DateTimeOffset.UtcNow + _retryFor;
        while (true)
        {
            try
            {
                return await _stream.ReplayAsync(since, route, _stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is NatsException or TimeoutException) && ex is not NatsNoRespondersException
                && DateTimeOffset.UtcNow < deadline && _connection.ConnectionState == NatsConnectionState.Open && !_stopping.IsCancellationRequested)
            {
                NatsGroupLayerLog.ReplayRetrying(_logger, ex.Message);
                await Task.Delay(RetryWait, _stopping).ConfigureAwait(false);
            }
        }
    }
}
