using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

using Consumers.Groups;

namespace Consumers.Groups;

/// <summary>The <see cref="IGroupSender"/> over the configured <see cref="IGroupLayer"/>.</summary>
internal sealed class GroupSender(IGroupLayer layer) : IGroupSender
{
    public ValueTask SendAsync<T>(string group, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        GroupName.Validate(group);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return layer.SendAsync(group, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
    }

    public ValueTask SendToChannelAsync<T>(string channelName, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, Dispatch.WireJson.Of(typeInfo));
        GroupMessage.EnsureJsonObject(payload);
        return layer.SendToChannelAsync(channelName, GroupMessage.Event(payload, typeInfo.Type), cancellationToken);
    }
}
