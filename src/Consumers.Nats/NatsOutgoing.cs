using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// A message this node publishes (or published): its subject, the group or channel it is for (for logs), the payload
/// and numbered headers, when it entered the outbox or was written (<c>At</c>, <see cref="Environment.TickCount64"/>)
/// and about how many bytes it takes (<see cref="NatsMessageCodec.Size"/>).
/// </summary>
internal readonly record struct NatsOutgoing(string Subject, string Target, ReadOnlyMemory<byte> Payload, NatsHeaders Headers, long At, int Size);
