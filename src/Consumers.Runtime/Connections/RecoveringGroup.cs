using System.Net.WebSockets;
using Consumers.Groups;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// One group of a recovered connection's consumer (docs/protocol.md, "Recovery on another node"): the group layer's
/// store replays the group's messages since <see cref="GroupRecovery.Since"/>; what the client saw (its position per
/// sending node), what excluded its old channel and what was already delivered are dropped; live messages wait
/// meanwhile and follow, without duplicates (by sending node and sequence number: each node's messages arrive in its
/// sequence order, live and replayed alike).
/// </summary>
internal sealed class RecoveringGroup(ConsumerChannel channel, string group, GroupRecovery recovery)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _last = new(recovery.Seen(channel.StreamName ?? "", group), StringComparer.Ordinal);
    private readonly string _oldChannel = channel.StreamName is { } stream ? recovery.OldSession + "#" + stream : recovery.OldSession;
    private List<(GroupMessage Message, GroupMessageOrigin Origin)>? _waiting = [];

    /// <summary>Longest a replay waits for the subscribing call that joined its group to be answered.</summary>
    public static readonly TimeSpan SubscriptionWait = TimeSpan.FromSeconds(10);

    /// <summary>The replay (running or done), for tests.</summary>
    public Task Replay { get; private set; } = Task.CompletedTask;

    /// <summary>A live message of the group: waits while the replay runs, else goes unless it is a duplicate.</summary>
    public bool Deliver(GroupMessage message, GroupMessageOrigin origin)
    {
        lock (_lock)
        {
            if (_waiting is { } waiting)
            {
                if (waiting.Count >= channel.Connection.Options.SendQueueCapacity)
                {
                    // The replay is far behind what arrives live: the client could not keep up either.
                    _waiting = null;
                    channel.Connection.RequestClose(WebSocketCloseStatus.PolicyViolation, "Recovery backlog full");
                    return false;
                }

                waiting.Add((message, origin));
                return true;
            }

            return Take(message, origin);
        }
    }

    /// <summary>Starts the replay (the live subscription is in place).</summary>
    public void Start() => Replay = Task.Run(ReplayAsync);

    private async Task ReplayAsync()
    {
        var replayed = 0;
        try
        {
            // A subscribing call joined the group: its subscription takes notifications once its reply is sent, so the
            // replay waits for that (a while at most; live messages wait meanwhile too).
            var waitUntil = Environment.TickCount64 + (long)SubscriptionWait.TotalMilliseconds;
            while (channel.Subscriptions.HasPending && Environment.TickCount64 < waitUntil)
            {
                await Task.Delay(5, channel.Connection.Aborted).ConfigureAwait(false);
            }

            await recovery.Replay.ReplayAsync(group, recovery.Since, async message =>
            {
                // Paced to the client: the replay may be long, the send queue is bounded.
                while (channel.Backlog > 0.5 && !channel.Connection.Aborted.IsCancellationRequested)
                {
                    await Task.Delay(5, channel.Connection.Aborted).ConfigureAwait(false);
                }

                lock (_lock)
                {
                    if (message.Origin is { } origin && Take(message, origin))
                    {
                        replayed++;
                    }
                }

                // This member is the replayed message's only one (what waits for a message's members, such as a
                // notification filter gathering its work, goes on).
                message.MarkHandedToMembers();
            }, channel.Connection.Aborted).ConfigureAwait(false);
            ResumeLog.GroupReplayed(recovery.Logger, group, replayed);
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
        catch (Exception ex)
        {
            ResumeLog.GroupReplayFailed(recovery.Logger, group, ex);
        }
        finally
        {
            lock (_lock)
            {
                // The live messages that waited follow, in the order they came, without what the replay delivered.
                if (_waiting is { } waiting)
                {
                    _waiting = null;
                    foreach (var (message, origin) in waiting)
                    {
                        Take(message, origin);
                    }
                }
            }
        }
    }

    // Under _lock: delivers the message unless the client has it (or its old channel sent it with excludeSelf).
    private bool Take(GroupMessage message, GroupMessageOrigin origin)
    {
        if (_last.TryGetValue(origin.Node, out var last) && origin.Sequence <= last)
        {
            return false;
        }

        _last[origin.Node] = origin.Sequence;
        if (message.ExcludeChannel is { } exclude && string.Equals(exclude, _oldChannel, StringComparison.Ordinal))
        {
            return false;
        }

        return channel.DeliverWithOrigin(message, origin);
    }
}
