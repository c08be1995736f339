using System.Text.Json.Serialization;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// Source-generated metadata of the stream servers' items, arguments and results, as an app declares it: the consumer's
/// <c>[JsonContext]</c>, and in SignalR's resolver chain (the benchmark project turns reflection-based JSON off).
/// </summary>
[JsonSerializable(typeof(StreamItem))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class StreamJson : JsonSerializerContext;
