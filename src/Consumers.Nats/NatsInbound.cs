using Consumers.Groups;

namespace Consumers.Nats;

/// <summary>A message as it arrived from NATS (live or replayed): the group message and, when tagged, its sender and sequence.</summary>
internal readonly record struct NatsInbound(GroupMessage Message, string? Channel, string? SenderNode, long Sequence);
