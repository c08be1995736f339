using Consumers.Groups;

namespace Consumers.Nats;

/// <summary>
/// A message as it arrived from NATS (live or replayed): the group message and, when tagged, its sender, sequence
/// number, the sequence number of the sender's previous message on the same subject (0 when unknown), send time (Unix
/// milliseconds by the sender's clock; 0 when untagged) and whether it waited in the sender's outbox during an outage.
/// </summary>
internal readonly record struct NatsInbound(GroupMessage Message, string? Channel, string? SenderNode, long Sequence, long Previous, long SentAt, bool Held);
