namespace Consumers.Nats;

/// <summary>
/// The subject mapping of the NATS group layer:
/// <list type="bullet">
/// <item>group <c>G</c> → <c>{prefix}.g.{G with every '.' written as '%2E'}</c>: valid group names have no space,
/// <c>*</c>, <c>&gt;</c> or <c>%</c>, so the escaped name is always exactly one subject token and the mapping is
/// reversible (<c>chat.lobby</c> → <c>consumers.g.chat%2Elobby</c>);</item>
/// <item>node <c>N</c> (for channel messages) → <c>{prefix}.n.{N}</c>.</item>
/// </list>
/// </summary>
internal sealed class NatsSubjects(string prefix)
{
    private readonly string _groupPrefix = prefix + ".g.";
    private readonly string _nodePrefix = prefix + ".n.";

    /// <summary>The group subjects and the node subjects the replay stream keeps.</summary>
    public string[] Stored => [_groupPrefix + ">", _nodePrefix + ">"];

    public string ForGroup(string group) => _groupPrefix + group.Replace(".", "%2E", StringComparison.Ordinal);

    public string ForNode(string nodeId) => _nodePrefix + nodeId;
}
