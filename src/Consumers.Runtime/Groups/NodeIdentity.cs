using System.Security.Cryptography;

namespace Consumers.Groups;

/// <summary>
/// This host's id among the nodes sharing a group layer: 10 random lowercase letters and digits, made when the host
/// starts (one per service provider, so two hosts in one process are two nodes). Channel names start with it, so a
/// message for one channel can be routed to its node. Registered as a singleton by <c>AddConsumers()</c>; a group
/// layer between nodes (such as the NATS one) reads it to address nodes.
/// </summary>
internal sealed class NodeIdentity
{
    /// <summary>This node's id: 10 characters of <c>[a-z0-9]</c>, valid as one NATS subject token.</summary>
    public string Id { get; } = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 10);

    /// <summary>The node id of a channel name (<c>node.connection[#stream]</c>), or null when it has none.</summary>
    /// <param name="channelName">A consumer's channel name (<see cref="IGroupMember.ChannelName"/>).</param>
    /// <returns>The part before the first <c>.</c>, or null when the name does not start with a node id.</returns>
    public static string? NodeOf(string channelName)
    {
        var dot = channelName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? channelName[..dot] : null;
    }
}
