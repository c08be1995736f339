using System.Text.Json.Serialization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Source-generated metadata for the fan-out servers: the consumer's group message, and the arguments and results of the
/// SignalR hubs (the benchmark project disables reflection-based JSON, as the runtime's users may).
/// </summary>
[JsonSerializable(typeof(ChatLine))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class FanoutJson : JsonSerializerContext;
