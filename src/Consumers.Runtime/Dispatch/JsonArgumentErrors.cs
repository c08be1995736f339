using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Protocol;

namespace Consumers.Dispatch;

/// <summary>
/// The 400 errors of a DTO argument that System.Text.Json refused, named by the member's wire key where it can be
/// told: <c>[{"name": ["This field is required."]}]</c> for a missing required member (a <c>required</c> or
/// <c>[JsonRequired]</c> one, or a non-nullable reference-type constructor parameter without a default, see <see cref="WireJson"/>), <c>[{"name": ["This field may not be null."]}]</c> for a <c>null</c> in a non-nullable member (DRF's
/// serializer errors, keyed by field). A DTO bound from a key other than <c>data</c> prefixes the member with it
/// (<c>filter.name</c>). Anything else keeps the request key and the JSON path of the error. Cold path: it parses
/// the argument again, never the exception's message.
/// </summary>
internal static class JsonArgumentErrors
{
    public static ActionErrors Describe(string key, JsonException exception, Utf8JsonReader value, JsonTypeInfo typeInfo)
    {
        var path = exception.Path;
        JsonElement element;
        try
        {
            element = JsonElement.ParseValue(ref value);
        }
        catch (JsonException)
        {
            return ActionErrors.Field(key, ProtocolErrors.InvalidValue(path));
        }

        if (element.ValueKind != JsonValueKind.Object || typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return ActionErrors.Field(key, ProtocolErrors.InvalidValue(path));
        }

        // "$.name": the value of one top-level member was refused; a null there breaks its nullability.
        if (path is not null && path.StartsWith("$.", StringComparison.Ordinal) && path.AsSpan(2).IndexOfAny('.', '[') < 0)
        {
            var member = path[2..];
            if (element.TryGetProperty(member, out var memberValue) && memberValue.ValueKind == JsonValueKind.Null)
            {
                return ActionErrors.Field(FieldName(key, member), ProtocolErrors.NotNull);
            }
        }

        if (path is null or "$")
        {
            Dictionary<string, string[]>? missing = null;
            foreach (var property in typeInfo.Properties)
            {
                if (property.IsRequired && !element.TryGetProperty(property.Name, out _))
                {
                    (missing ??= new(StringComparer.Ordinal))[FieldName(key, property.Name)] = [ProtocolErrors.Required];
                }
            }

            if (missing is not null)
            {
                return ActionErrors.Fields(missing);
            }
        }

        return ActionErrors.Field(key, ProtocolErrors.InvalidValue(path));
    }

    private static string FieldName(string key, string member) => key == "data" ? member : key + "." + member;
}
