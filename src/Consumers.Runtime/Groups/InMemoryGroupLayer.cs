namespace Consumers.Groups;

/// <summary>
/// The embedded default group layer (Channels' <c>InMemoryChannelLayer</c>): groups and channels of this process
/// only. Use the NATS group layer when more than one server node serves the same clients.
/// </summary>
internal sealed class InMemoryGroupLayer(LocalGroups local) : IGroupLayer
{
    public ValueTask AddAsync(string group, Consumer consumer, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        local.Add(group, consumer);
        return ValueTask.CompletedTask;
    }

    public ValueTask DiscardAsync(string group, Consumer consumer, CancellationToken cancellationToken = default)
    {
        local.Remove(group, consumer);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendAsync(string group, GroupMessage message, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        local.Deliver(group, message.Payload, message.ExcludeChannel, message.Action, message.Status);
        return ValueTask.CompletedTask;
    }

    public ValueTask SendToChannelAsync(string channelName, GroupMessage message, CancellationToken cancellationToken = default)
    {
        local.DeliverToChannel(channelName, message.Payload);
        return ValueTask.CompletedTask;
    }
}
