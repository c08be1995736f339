using System.Text.Json;

namespace Consumers.Protocol;

/// <summary>
/// Validation errors nested as DRF nests a serializer's: an object of field → messages, a nested object's errors as an
/// object under its field, a list's as an array with <c>{}</c> for its valid items
/// (<c>{"items": [{}, {"name": ["This field is required."]}]}</c>).
/// </summary>
internal sealed class FieldErrorNode
{
    /// <summary>DRF's key for errors of an object as a whole.</summary>
    public const string NonFieldErrors = "non_field_errors";

    private List<string>? _messages;
    private Dictionary<string, FieldErrorNode>? _fields;
    private SortedDictionary<int, FieldErrorNode>? _items;
    private int _length;

    public FieldErrorNode Field(string key)
    {
        _fields ??= new Dictionary<string, FieldErrorNode>(StringComparer.Ordinal);
        if (!_fields.TryGetValue(key, out var node))
        {
            _fields.Add(key, node = new FieldErrorNode());
        }

        return node;
    }

    public FieldErrorNode Item(int index)
    {
        _items ??= [];
        if (!_items.TryGetValue(index, out var node))
        {
            _items.Add(index, node = new FieldErrorNode());
        }

        return node;
    }

    /// <summary>The node of a field or item if errors were recorded there, else null.</summary>
    public FieldErrorNode? Find(string? key, int index)
        => key is null
            ? (_items is not null && _items.TryGetValue(index, out var item) ? item : null)
            : (_fields is not null && _fields.TryGetValue(key, out var field) ? field : null);

    /// <summary>The list's length, so that its valid items after the last invalid one are written too.</summary>
    public void SetLength(int length) => _length = length;

    public void Add(string message) => (_messages ??= []).Add(message);

    /// <summary>Writes the node as the value of its field.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        if (_fields is not null)
        {
            writer.WriteStartObject();
            if (_messages is not null)
            {
                WriteMessages(writer, NonFieldErrors, _messages);
            }

            foreach (var (key, node) in _fields)
            {
                writer.WritePropertyName(key);
                node.Write(writer);
            }

            writer.WriteEndObject();
        }
        else if (_items is not null)
        {
            writer.WriteStartArray();
            var length = Math.Max(_length, _items.Keys.Max() + 1);
            for (var i = 0; i < length; i++)
            {
                if (_items.TryGetValue(i, out var item))
                {
                    item.Write(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartArray();
            foreach (var message in _messages ?? [])
            {
                writer.WriteStringValue(message);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>The errors with their paths flattened (<c>address.city</c>, <c>items.1.name</c>).</summary>
    public void Flatten(string? prefix, Dictionary<string, string[]> into)
    {
        if (_messages is not null)
        {
            into[prefix ?? NonFieldErrors] = [.. _messages];
        }

        foreach (var (key, node) in _fields ?? [])
        {
            node.Flatten(prefix is null ? key : prefix + "." + key, into);
        }

        foreach (var (index, node) in _items ?? [])
        {
            var key = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            node.Flatten(prefix is null ? key : prefix + "." + key, into);
        }
    }

    private static void WriteMessages(Utf8JsonWriter writer, string key, List<string> messages)
    {
        writer.WriteStartArray(key);
        foreach (var message in messages)
        {
            writer.WriteStringValue(message);
        }

        writer.WriteEndArray();
    }
}
