using System.Text.Json.Serialization.Metadata;

using Consumers.Dispatch;
using Consumers.Groups;

namespace Consumers.Hosting;

/// <summary>
/// The <see cref="IGroupSender"/> over the configured <see cref="IGroupLayer"/>: serializes with the wire's JSON options
/// (Dispatch), which is why it lives in Hosting and not in Groups.
/// </summary>
internal sealed class GroupSender(IGroupLayer layer) : IGroupSender
{
    public ValueTask SendAsync<T>(string group, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        var payload = ConsumerEvents.Serialize(message, WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return layer.SendAsync(group, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
    }

    public ValueTask SendToChannelAsync<T>(string channelName, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        var payload = ConsumerEvents.Serialize(message, WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return layer.SendToChannelAsync(channelName, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
    }
}
