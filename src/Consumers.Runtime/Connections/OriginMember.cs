using System.Collections.Concurrent;
using Consumers.Groups;

namespace Consumers.Connections;

/// <summary>
/// How a consumer of a resumable connection (<c>consumers.resume</c>) is a group member: it tracks origins, so a layer
/// that can replay hands it group messages with their <see cref="GroupMessage.Origin"/>, and each is written after an
/// <c>$origin</c> frame (<see cref="ConsumerChannel.DeliverWithOrigin"/>). On a recovered connection, the groups joined
/// during the recovery are replayed first (<see cref="RecoveringGroup"/>). Other connections' consumers are their own
/// members: nothing of this runs for them.
/// </summary>
internal sealed class OriginMember(ConsumerChannel channel, GroupRecovery? recovery) : IGroupMember
{
    // The groups replayed for this member (only on a recovered connection).
    private ConcurrentDictionary<string, RecoveringGroup>? _recovering;

    public string ChannelName => channel.ChannelName;

    public bool TracksOrigins => true;

    public double Backlog => channel.Backlog;

    public bool Deliver(GroupMessage message)
    {
        if (message.Origin is not { } origin)
        {
            return channel.Deliver(message);
        }

        if (_recovering is { } recovering && recovering.TryGetValue(origin.Group, out var group))
        {
            return group.Deliver(message, origin);
        }

        return channel.DeliverWithOrigin(message, origin);
    }

    /// <summary>
    /// Joins a group: during a recovery (<see cref="GroupRecovery.Open"/>), live messages wait while what the client
    /// missed is replayed to it; then they follow, without duplicates.
    /// </summary>
    public async ValueTask JoinAsync(string group, IGroupLayer layer, CancellationToken cancellationToken)
    {
        var recovering = recovery is { Open: true } ? new RecoveringGroup(channel, group, recovery) : null;
        if (recovering is null
            || !LazyInitializer.EnsureInitialized(ref _recovering, static () => new ConcurrentDictionary<string, RecoveringGroup>(StringComparer.Ordinal)).TryAdd(group, recovering))
        {
            // No recovery, or this group's is under way already (joined again).
            await layer.AddAsync(group, this, cancellationToken).ConfigureAwait(false);
            return;
        }

        await layer.AddAsync(group, this, cancellationToken).ConfigureAwait(false);

        // The live subscription is in place: everything older is in the store.
        recovering.Start();
    }
}
