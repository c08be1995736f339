namespace Consumers.Benchmarks;

/// <summary>The group message of the group-send benchmark: a sequence number and filler, about 100 bytes of JSON.</summary>
public sealed record Tick(long Seq, string Body);
