using System.Text.Json.Serialization;

namespace Consumers.Benchmarks;

/// <summary>Source-generated JSON metadata of the benchmark's messages (the runtime never serializes by reflection).</summary>
[JsonSerializable(typeof(Tick))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class BenchJson : JsonSerializerContext;
