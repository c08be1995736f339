using System.Text.Json.Serialization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>Source-generated metadata of the room consumer's group message, as an app declares it.</summary>
[JsonSerializable(typeof(ChatLine))]
public sealed partial class ChatJson : JsonSerializerContext;
