using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Consumers.Contracts;

/// <summary>The document's JSON schemas: one component per type, exported from its source-generated metadata, named and referenced.</summary>
internal sealed partial class AsyncApiDocument
{
    /// <summary>The schema of <paramref name="info"/>: inline for scalars, else a reference to a named component.</summary>
    private JsonNode Schema(JsonTypeInfo info)
    {
        if (info.Kind == JsonTypeInfoKind.None)
        {
            return JsonSchemaExporter.GetJsonSchemaAsNode(info, s_exporterOptions);
        }

        if (!_schemaNames.TryGetValue(info.Type, out var name))
        {
            name = Unique(_schemas, Key(FriendlyName(info.Type)));
            _schemaNames.Add(info.Type, name);
            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(info, s_exporterOptions);

            // The exporter's references to repeated or recursive types point into its own root.
            RebaseReferences(schema, $"#/components/schemas/{name}");
            _schemas[name] = schema;
        }

        return Ref($"#/components/schemas/{name}");
    }

    private static void RebaseReferences(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue reference && reference.TryGetValue(out string? target) && target.StartsWith('#'))
                    {
                        obj["$ref"] = root + target[1..];
                    }
                    else
                    {
                        RebaseReferences(value, root);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RebaseReferences(item, root);
                }

                break;
        }
    }

    private static JsonObject OrNull(JsonNode schema)
        => new() { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };

    private static JsonObject Ref(string target) => new() { ["$ref"] = target };

    private static string FriendlyName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return "Nullable" + FriendlyName(underlying);
        }

        if (type.IsArray)
        {
            return FriendlyName(type.GetElementType()!) + "Array";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "Of" + string.Join("And", type.GetGenericArguments().Select(FriendlyName));
    }
}
