using System.Text.Json;

namespace Consumers;

/// <summary>
/// The <c>errors</c> value of a reply envelope, in one of the two DRF shapes: a list of messages
/// (<c>["Not found"]</c>) or one object of field → messages (<c>[{"name": ["This field is required."]}]</c>).
/// </summary>
public sealed class ActionErrors
{
    private readonly IReadOnlyList<string>? _messages;
    private readonly IReadOnlyDictionary<string, string[]>? _fields;
    private readonly Protocol.FieldErrorNode? _tree;

    private ActionErrors(IReadOnlyList<string>? messages, IReadOnlyDictionary<string, string[]>? fields, Protocol.FieldErrorNode? tree = null)
    {
        _messages = messages;
        _fields = fields;
        _tree = tree;
    }

    // Nested validation errors (DRF's nested serializer errors); FieldErrors flattens their paths.
    internal static ActionErrors Nested(Protocol.FieldErrorNode tree)
    {
        var flat = new Dictionary<string, string[]>(StringComparer.Ordinal);
        tree.Flatten(null, flat);
        return new ActionErrors(null, flat, tree);
    }

    /// <summary>An empty list: the errors of every successful reply.</summary>
    public static ActionErrors None { get; } = new([], null);

    /// <summary>Errors as a list of messages, e.g. <c>["Not found"]</c>.</summary>
    /// <param name="messages">The messages, in order.</param>
    public static ActionErrors Messages(params string[] messages) => new(messages, null);

    /// <summary>Validation errors as <c>[{"field": ["message", ...]}]</c> (DRF's <c>ValidationError</c> shape).</summary>
    /// <param name="fields">Field name (as on the wire) → messages.</param>
    public static ActionErrors Fields(IReadOnlyDictionary<string, string[]> fields) => new(null, fields);

    /// <summary>Validation errors for one field.</summary>
    /// <param name="field">The field name as on the wire (snake_case).</param>
    /// <param name="messages">The messages.</param>
    public static ActionErrors Field(string field, params string[] messages)
        => new(null, new Dictionary<string, string[]>(1) { [field] = messages });

    /// <summary>The messages of a list-shaped value, or an empty list.</summary>
    public IReadOnlyList<string> MessageList => _messages ?? [];

    /// <summary>
    /// The field errors of a validation-shaped value, or <see langword="null"/>. Errors of nested members (written nested,
    /// as DRF nests them) are listed here under their paths: <c>address.city</c>, <c>items.1.name</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? FieldErrors => _fields;

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        if (_tree is not null)
        {
            _tree.Write(writer);
        }
        else if (_fields is not null)
        {
            writer.WriteStartObject();
            foreach (var (field, messages) in _fields)
            {
                writer.WriteStartArray(field);
                foreach (var message in messages)
                {
                    writer.WriteStringValue(message);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }
        else if (_messages is not null)
        {
            foreach (var message in _messages)
            {
                writer.WriteStringValue(message);
            }
        }

        writer.WriteEndArray();
    }
}
