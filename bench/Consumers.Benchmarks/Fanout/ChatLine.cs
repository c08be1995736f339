namespace Consumers.Benchmarks.Fanout;

/// <summary>The room message every server delivers: the sender's body (timestamp, sender, sequence, filler) as it came.</summary>
public sealed record ChatLine(string Body);
