namespace Consumers.Groups;

/// <summary>
/// The embedded default group layer (Channels' <c>InMemoryChannelLayer</c>): groups and channels of this process
/// only. Use the NATS group layer when more than one server node serves the same clients.
/// </summary>
internal sealed class InMemoryGroupLayer(LocalGroups local) : IGroupLayer
{
    public ValueTask AddAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        local.Add(group, member);
        return ValueTask.CompletedTask;
    }

    public ValueTask DiscardAsync(string group, IGroupMember member, CancellationToken cancellationToken = default)
    {
        local.Remove(group, member);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        local.Deliver(group, message);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default)
    {
        local.DeliverToChannel(channelName, message);
        return ValueTask.CompletedTask;
    }
}
