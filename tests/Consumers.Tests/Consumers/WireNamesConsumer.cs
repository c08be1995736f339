using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Tests.Consumers;

// DisplayName is required (non-nullable reference type, no default); MaxMembers and Topic (nullable) and Floor (a value type) are optional.
public sealed record OpenRoom(string DisplayName, int? MaxMembers, string? Topic, int Floor);

public sealed record RoomView(int RoomId, string DisplayName, string? Topic);

public sealed class RoomFilter
{
    public required string NamePrefix { get; init; }

    public int? Limit { get; init; }
}

// No naming policy: the context alone would write PascalCase.
[JsonSerializable(typeof(OpenRoom))]
[JsonSerializable(typeof(RoomView))]
[JsonSerializable(typeof(RoomFilter))]
public sealed partial class PascalCaseJsonContext : JsonSerializerContext;

/// <summary>DTOs from a context without a naming policy: on the wire they are snake_case.</summary>
[JsonContext(typeof(PascalCaseJsonContext))]
public sealed partial class WireNamesConsumer : Consumer
{
    [Action]
    public RoomView Open(OpenRoom data) => new(data.MaxMembers ?? 7, data.DisplayName, null);

    [Action]
    public string Find(RoomFilter filter) => filter.NamePrefix + "*";
}

/// <summary>The same DTOs with the context's own names kept.</summary>
[JsonContext(typeof(PascalCaseJsonContext), KeepContextPropertyNames = true)]
public sealed partial class ContextNamesConsumer : Consumer
{
    [Action]
    public RoomView Open(OpenRoom data) => new(data.MaxMembers ?? 7, data.DisplayName, null);
}
