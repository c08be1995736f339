namespace Consumers.Benchmarks.Streaming;

/// <summary>One item of the benchmark's streams: <c>{"seq":0,"text":"xxxxxxxx"}</c> on both servers.</summary>
/// <param name="Seq">The item's index in its stream (the client checks the order with it).</param>
/// <param name="Text">Filler of the load's size.</param>
public sealed record StreamItem(int Seq, string Text);
