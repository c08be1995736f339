using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Protocol;

namespace Consumers.Dispatch;

/// <summary>
/// The event types of the process (<see cref="ConsumerEventAttribute"/>) and their wire names, and how a value of one is
/// written: as the DCRF envelope <c>{"errors":[],"data":...,"action":"name","response_status":200,"request_id":null}</c>
/// (docs/protocol.md, "Server pushes"). The generator registers each assembly's event types from a module initializer,
/// so that no send reads attributes by reflection; a type that is not registered is written as it is.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConsumerEvents
{
    // The envelope's start, up to the data value: what Envelope.WriteHead writes with no errors.
    private static ReadOnlySpan<byte> Head => "{\"errors\":[],\"data\":"u8;

    private static readonly Lock s_lock = new();

    // Copied on write: registrations happen at module load, lookups on every typed send.
    private static Dictionary<Type, byte[]> s_actions = new();

    /// <summary>Registers an event type under its wire name; called by generated module initializers.</summary>
    /// <param name="type">The event type.</param>
    /// <param name="name">Its wire name (the envelope's <c>action</c>).</param>
    /// <exception cref="ArgumentException">The name is empty, has whitespace or control characters, or starts with <c>$</c>.</exception>
    /// <exception cref="InvalidOperationException">The type is registered already under another name.</exception>
    public static void Register(Type type, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrEmpty(name) || name[0] == '$' || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"The event name '{name}' of '{type.FullName}' is empty, has whitespace or control characters, or starts with '$'.", nameof(name));
        }

        var token = JsonSerializer.SerializeToUtf8Bytes(name, PrimitiveJson.String);
        lock (s_lock)
        {
            if (s_actions.TryGetValue(type, out var existing))
            {
                if (!existing.AsSpan().SequenceEqual(token))
                {
                    throw new InvalidOperationException($"'{type.FullName}' is registered as the event '{Encoding.UTF8.GetString(existing)}' already; it cannot also be '{name}'.");
                }

                return;
            }

            s_actions = new Dictionary<Type, byte[]>(s_actions) { [type] = token };
        }
    }

    /// <summary>The wire name of an event type, or null when <paramref name="type"/> is no registered event type.</summary>
    /// <param name="type">The type.</param>
    public static string? NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Volatile.Read(ref s_actions).TryGetValue(type, out var token) ? JsonSerializer.Deserialize(token, PrimitiveJson.String) : null;
    }

    /// <summary>The <c>action</c> token (a JSON string) of a registered event type.</summary>
    internal static bool TryGetAction(Type type, out byte[] actionToken)
        => Volatile.Read(ref s_actions).TryGetValue(type, out actionToken!);

    /// <summary>
    /// Serializes <paramref name="message"/> once for a group or channel send: the envelope for an event type, the
    /// object as it is for any other type (today's bytes).
    /// </summary>
    /// <param name="message">The value.</param>
    /// <param name="typeInfo">Its metadata in wire form (<see cref="WireJson.Of{T}"/>).</param>
    internal static byte[] Serialize<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        if (!TryGetAction(typeInfo.Type, out var action))
        {
            return JsonSerializer.SerializeToUtf8Bytes(message, typeInfo);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder }))
        {
            WriteEnvelope(writer, message, typeInfo, action);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the envelope of an event value at the writer's root.</summary>
    internal static void WriteEnvelope<T>(Utf8JsonWriter writer, T message, JsonTypeInfo<T> typeInfo, ReadOnlySpan<byte> actionToken)
    {
        Envelope.WriteHead(writer, ActionErrors.None);
        JsonSerializer.Serialize(writer, message, typeInfo);
        Envelope.WriteTail(writer, actionToken, StatusOk, []);
    }

    private const int StatusOk = 200;

    /// <summary>
    /// The <c>data</c> of an event envelope (what a <c>[GroupEvent]</c> handler of an event type deserializes); a
    /// payload that is not such an envelope (sent by a node that predates event envelopes) is returned as it is.
    /// </summary>
    /// <param name="payload">The group message's payload.</param>
    /// <returns>The data's bytes.</returns>
    public static ReadOnlyMemory<byte> DataOf(ReadOnlyMemory<byte> payload)
    {
        if (!payload.Span.StartsWith(Head))
        {
            return payload;
        }

        var reader = new Utf8JsonReader(payload.Span[Head.Length..]);
        if (!reader.Read())
        {
            return payload;
        }

        reader.Skip();
        return payload.Slice(Head.Length, (int)reader.BytesConsumed);
    }
}
