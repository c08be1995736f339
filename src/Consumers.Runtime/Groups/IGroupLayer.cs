namespace Consumers.Groups;

/// <summary>
/// The group layer (Channels' channel layer; SignalR's backplane): group membership and delivery of group and
/// channel messages, within one node (in-memory) or across nodes (NATS). Consumers use it through
/// their group methods and <see cref="IGroupSender"/>. Members are <see cref="IGroupMember"/>s (a consumer's channel);
/// messages are opaque <see cref="GroupMessage"/>s.
/// </summary>
internal interface IGroupLayer
{
    /// <summary>Adds a consumer to a group on this node (Channels' <c>group_add</c>). Adding twice is harmless.</summary>
    /// <param name="group">A valid group name (<see cref="GroupName"/>).</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer (e.g. a NATS subscription).</param>
    /// <exception cref="ArgumentException">The group name is invalid.</exception>
    ValueTask AddAsync(string group, IGroupMember member, CancellationToken cancellationToken = default);

    /// <summary>Removes a consumer from a group (Channels' <c>group_discard</c>). Removing a non-member is harmless.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    ValueTask DiscardAsync(string group, IGroupMember member, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every member of a group on every node (Channels' <c>group_send</c>).</summary>
    /// <param name="group">A valid group name.</param>
    /// <param name="message">The message, serialized once.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid.</exception>
    ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to one consumer by its channel name, on whichever node it is (Channels' <c>send</c>).</summary>
    /// <param name="channelName">The consumer's <see cref="IGroupMember.ChannelName"/>.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default);
}
