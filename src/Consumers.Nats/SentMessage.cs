using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>A message this node published recently, kept to publish again after a reconnect (<c>At</c>: <see cref="Environment.TickCount64"/>).</summary>
internal readonly record struct SentMessage(string Subject, ReadOnlyMemory<byte> Payload, NatsHeaders Headers, long At, int Size);
