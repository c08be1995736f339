namespace Consumers.Groups;

/// <summary>
/// What a group layer holds for each member: a consumer's channel on this node (Channels' <c>channel_name</c> and the
/// queue behind it; SignalR's <c>HubConnectionContext</c>). The layer hands it every message of the groups it joined
/// and of its channel name; what the member writes to its socket is the member's business, not the layer's.
/// </summary>
internal interface IGroupMember
{
    /// <summary>The member's channel name: <c>node.connection</c>, plus <c>#stream</c> on a multiplexed endpoint.</summary>
    string ChannelName { get; }

    /// <summary>
    /// Takes one message for this member. Never blocks and never throws: a member whose client does not keep up is
    /// closed by its own connection (WebSocket close 1008), never by the sender.
    /// </summary>
    /// <param name="message">The message; its payload bytes are shared with every other member and must not be changed.</param>
    /// <returns>Whether the member queued it (false when the member filtered it out or its connection is closing).</returns>
    bool Deliver(GroupMessage message);

    /// <summary>
    /// How full the member's bounded queues are: 0 when nothing waits for its client, 1 when the next delivery may find
    /// them full (and close it with 1008). Read only by a layer that delivers a backlog (the NATS layer after an
    /// outage) to pace it to the client, never on the ordinary delivery path. A member without such queues says 0.
    /// </summary>
    double Backlog => 0;

    /// <summary>
    /// Whether this member reads <see cref="GroupMessage.Origin"/> (a resumable connection, which tells its client where
    /// each group message comes from). A layer that can replay sets origins only for groups with such members. Read once
    /// per join, never on the delivery path.
    /// </summary>
    bool TracksOrigins => false;
}
