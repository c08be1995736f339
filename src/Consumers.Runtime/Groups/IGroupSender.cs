using System.Text.Json.Serialization.Metadata;

using Consumers.Groups;

namespace Consumers;

/// <summary>
/// Sends to groups and channels from outside a consumer: controllers, background services, other hosts' code
/// (Channels' <c>get_channel_layer().group_send</c>; SignalR's <c>IHubContext</c>). Registered by <c>AddConsumers()</c>.
/// </summary>
public interface IGroupSender
{
    /// <summary>Serializes <paramref name="message"/> once and sends it to every member of <paramref name="group"/> on every node.</summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="group">A valid group name.</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    /// <exception cref="ArgumentException">The group name is invalid, or the message is not a JSON object.</exception>
    ValueTask SendAsync<T>(string group, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes <paramref name="message"/> once and sends it to every consumer of every connection of an
    /// authenticated user, on every node (SignalR's <c>Clients.User(id)</c>), through the user's group
    /// (<see cref="GroupName.ForUser"/>).
    /// </summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="userId">The user id: the <c>NameIdentifier</c> claim, else a JWT's <c>sub</c>, else the identity's name.</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    /// <exception cref="ArgumentException">The user id is empty, or the message is not a JSON object.</exception>
    ValueTask SendToUserAsync<T>(string userId, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
        => SendAsync(GroupName.ForUser(userId), message, typeInfo, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to the consumer with that channel name.</summary>
    /// <typeparam name="T">The message type; it must serialize to a JSON object.</typeparam>
    /// <param name="channelName">The receiver's channel name (<see cref="IGroupMember.ChannelName"/>).</param>
    /// <param name="message">The message.</param>
    /// <param name="typeInfo">Its source-generated metadata; the message is written with the wire's snake_case property names (<c>WireJson</c>), as replies are, whatever the context's naming policy.</param>
    /// <param name="cancellationToken">Cancels waiting for the layer.</param>
    ValueTask SendToChannelAsync<T>(string channelName, T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);
}
