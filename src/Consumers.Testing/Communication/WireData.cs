using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Dispatch;

namespace Consumers.Testing.Communication;

/// <summary>
/// Reads a frame's <c>data</c> as the server wrote it: through the runtime's wire form of the caller's metadata
/// (<see cref="WireJson"/>: snake_case names whatever the context's own naming policy, non-nullable constructor
/// parameters required, nullability respected), so that a reply read with a policy-less context is no object of
/// defaults. A missing required member fails naming it; an object none of whose keys is a member of the type fails
/// naming the keys it has and the ones the type reads.
/// </summary>
internal static class WireData
{
    public static T? Read<T>(JsonElement data, JsonTypeInfo<T> typeInfo)
    {
        if (data.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return default;
        }

        var wire = WireJson.Of(typeInfo);
        if (wire.Kind == JsonTypeInfoKind.Object && data.ValueKind == JsonValueKind.Object && wire.Properties.Count > 0)
        {
            var names = wire.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var keys = data.EnumerateObject().Select(p => p.Name).ToList();
            if (keys.Count > 0 && !keys.Any(names.Contains))
            {
                throw new JsonException(
                    $"The data {Quote(keys)} has none of the members of '{typeof(T).FullName}' ({Quote(names)}) under their wire names: " +
                    "the wire's names are snake_case whatever the context's naming policy (a consumer with KeepContextPropertyNames: read the data with DataAs(options) or as a JsonElement).");
            }
        }

        return data.Deserialize(wire);
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => "\"" + n + "\""));
}
