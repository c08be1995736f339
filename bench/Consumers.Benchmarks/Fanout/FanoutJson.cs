using System.Text.Json.Serialization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Source-generated metadata for the SignalR hubs' arguments and results (the benchmark project disables
/// reflection-based JSON, so SignalR's JSON protocol needs it in its resolver chain).
/// </summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class FanoutJson : JsonSerializerContext;
