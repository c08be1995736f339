namespace Consumers.Groups;

/// <summary>
/// What a group layer that keeps its messages can do besides <see cref="IGroupLayer"/>: hand one member the messages a
/// group received since a moment, in the order they were kept, each with its <see cref="GroupMessage.Origin"/>. The NATS
/// layer with JetStream implements it (its stream keeps every message for <c>ReplayWindow</c>); the in-memory layer does
/// not (a node that is gone takes its messages with it). The runtime uses it to recover a resumable connection on
/// another node (docs/protocol.md, "Recovery on another node").
/// </summary>
internal interface IGroupReplay
{
    /// <summary>Whether messages can be replayed now (the layer keeps them, and its store is in place).</summary>
    bool CanReplay { get; }

    /// <summary>How long messages are kept: a replay from further back than this misses messages.</summary>
    TimeSpan ReplayWindow { get; }

    /// <summary>
    /// Hands every kept message of <paramref name="group"/> sent since <paramref name="since"/> (the store's clock) to
    /// <paramref name="deliver"/>, one at a time and in the order kept (per sending node, its sequence order), with
    /// its origin set; the messages this node sent included. Completes when the store has nothing more.
    /// </summary>
    /// <param name="group">A valid group name.</param>
    /// <param name="since">The earliest send time of a message to replay.</param>
    /// <param name="deliver">Takes each message (it may wait, to pace the replay to its client).</param>
    /// <param name="cancellationToken">Ends the replay.</param>
    /// <returns>How many messages were handed to <paramref name="deliver"/>.</returns>
    /// <exception cref="InvalidOperationException">The layer cannot replay now (<see cref="CanReplay"/> is false, or its store failed).</exception>
    Task<int> ReplayAsync(string group, DateTimeOffset since, Func<GroupMessage, ValueTask> deliver, CancellationToken cancellationToken);
}
