using Consumers.Groups;
using Consumers.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>
/// The recovery of a resumable session on a node that does not hold it (docs/protocol.md, "Recovery on another node"):
/// what the client says it saw (its position vector: per stream and group, per sending node, the last sequence number),
/// from when the replay starts, and the old session's channel name (what excluded the client's own sends). Each group the
/// new consumers join within <see cref="JoinWindow"/> of the connect is replayed to them from the group layer's store
/// (<see cref="IGroupReplay"/>), without what the client saw, before the group's live messages (<see cref="RecoveringGroup"/>).
/// </summary>
internal sealed class GroupRecovery
{
    /// <summary>How long after the connect a join still replays its group (the client re-sends its subscribing calls at once).</summary>
    public static readonly TimeSpan JoinWindow = TimeSpan.FromSeconds(30);

    /// <summary>How far before the client's last frame the replay starts: the store stamps messages with its own clock.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The recovery of a session this node does not hold, from the reconnect's position vector and the age of the
    /// client's last frame (<see cref="OriginFrames.PositionsParameter"/>, <see cref="OriginFrames.AgeParameter"/>); null
    /// (logged, but for a client that sent no vector) when the client sent none, they are malformed, the group layer
    /// keeps no messages, or what the client missed is older than the layer keeps.
    /// </summary>
    /// <param name="query">The reconnect's query string.</param>
    /// <param name="layer">The group layer (recovery needs one that is an <see cref="IGroupReplay"/>).</param>
    /// <param name="oldSession">The token's session id.</param>
    /// <param name="logger">Where refusals and the recovery are logged.</param>
    public static GroupRecovery? TryCreate(IQueryCollection query, IGroupLayer? layer, string oldSession, ILogger logger)
    {
        if (!query.TryGetValue(OriginFrames.PositionsParameter, out var positionsText))
        {
            return null;
        }

        if (layer is not IGroupReplay { CanReplay: true } replay)
        {
            return Refuse(logger, "the group layer keeps no messages to replay");
        }

        if (OriginFrames.ReadAge(query[OriginFrames.AgeParameter].ToString()) is not { } age)
        {
            return Refuse(logger, OriginFrames.AgeParameter + " is missing or not a number of milliseconds");
        }

        if (OriginFrames.ReadPositions(positionsText.ToString(), out var error) is not { } positions)
        {
            return Refuse(logger, OriginFrames.PositionsParameter + " is malformed: " + error);
        }

        var now = DateTimeOffset.UtcNow;
        var since = now - TimeSpan.FromMilliseconds(age) - Margin;
        if (now - since > replay.ReplayWindow)
        {
            return Refuse(logger, $"the client's last frame ({age} ms ago) is older than the group layer keeps messages ({replay.ReplayWindow.TotalSeconds:0.###} s)");
        }

        ResumeLog.SessionRecovered(logger, since);
        return new GroupRecovery(replay, oldSession, positions, since, logger);
    }

    private static GroupRecovery? Refuse(ILogger logger, string reason)
    {
        ResumeLog.RecoveryRefused(logger, reason);
        return null;
    }

    private readonly Dictionary<(string Stream, string Group), Dictionary<string, long>> _positions;
    private readonly long _joinDeadline;

    /// <param name="replay">The layer's replay.</param>
    /// <param name="oldSession">The old session's id (its connection's channel name).</param>
    /// <param name="positions">The client's position vector.</param>
    /// <param name="since">Where the replay starts (the store's clock).</param>
    /// <param name="logger">Where failed replays are logged.</param>
    public GroupRecovery(IGroupReplay replay, string oldSession, Dictionary<(string Stream, string Group), Dictionary<string, long>> positions, DateTimeOffset since, ILogger logger)
    {
        Replay = replay;
        OldSession = oldSession;
        _positions = positions;
        Since = since;
        Logger = logger;
        _joinDeadline = Environment.TickCount64 + (long)JoinWindow.TotalMilliseconds;
    }

    public IGroupReplay Replay { get; }

    public string OldSession { get; }

    public DateTimeOffset Since { get; }

    public ILogger Logger { get; }

    /// <summary>Whether a join now still replays its group.</summary>
    public bool Open => Environment.TickCount64 < _joinDeadline;

    /// <summary>The last sequence number the client saw per sending node, for one stream ("" when not multiplexed) and group.</summary>
    public IReadOnlyDictionary<string, long> Seen(string stream, string group)
        => _positions.TryGetValue((stream, group), out var nodes) ? nodes : s_none;

    private static readonly Dictionary<string, long> s_none = new(StringComparer.Ordinal);
}
