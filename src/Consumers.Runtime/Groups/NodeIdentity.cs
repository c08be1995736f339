using System.Security.Cryptography;

namespace Consumers.Groups;

/// <summary>
/// This host's id among the nodes sharing a group layer: 10 random lowercase letters and digits, made when the host
/// starts (one per service provider, so two hosts in one process are two nodes). Channel names start with it, so a
/// message for one channel can be routed to its node.
/// </summary>
internal sealed class NodeIdentity
{
    public string Id { get; } = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 10);

    /// <summary>The node id of a channel name (<c>node.connection[#stream]</c>), or null when it has none.</summary>
    public static string? NodeOf(string channelName)
    {
        var dot = channelName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? channelName[..dot] : null;
    }
}
