namespace Consumers.Groups;

/// <summary>
/// Where a group message comes from, as a layer that keeps messages (the NATS layer with JetStream) numbers them: the
/// group it was sent to, the node that sent it and that node's sequence number for it (increasing in the order the node
/// sent its messages). Set only by a layer that can replay (<see cref="IGroupReplay"/>) and only when a member of the
/// group tracks origins (<see cref="IGroupMember.TracksOrigins"/>); members that do not track origins never read it.
/// </summary>
/// <param name="group">The group the message was sent to.</param>
/// <param name="node">The sending node's id (<see cref="NodeIdentity.Id"/>).</param>
/// <param name="sequence">The sending node's sequence number of the message (from 1).</param>
internal sealed class GroupMessageOrigin(string group, string node, long sequence)
{
    /// <summary>The group the message was sent to.</summary>
    public string Group { get; } = group;

    /// <summary>The sending node's id.</summary>
    public string Node { get; } = node;

    /// <summary>The sending node's sequence number of the message.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>
    /// A slot for what members derive from the origin and may share (the runtime keeps its <c>$origin</c> frame here):
    /// set once by the first member that needs it; the layer never reads it.
    /// </summary>
    public object? MemberState { get; set; }
}
