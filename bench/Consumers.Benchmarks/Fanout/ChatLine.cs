namespace Consumers.Benchmarks.Fanout;

/// <summary>The room message the Consumers server delivers: the room and the sender's text as it came.</summary>
/// <param name="Room">The room name.</param>
/// <param name="Text">The sender's text (the benchmark's body: timestamp, sender, sequence, filler).</param>
public sealed record ChatLine(string Room, string Text);
