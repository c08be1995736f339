using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>
/// One frame the server sent, read as a DCRF envelope: <c>{"errors", "data", "action", "response_status",
/// "request_id"}</c>. On a multiplexed endpoint the frame is <c>{"stream", "payload"}</c> and the accessors read the
/// payload. A frame without some key (a consumer's own <c>SendJsonAsync</c> message) answers null or an undefined
/// <see cref="JsonElement"/> for it; <see cref="Json"/> and <see cref="RawJson"/> always hold the whole frame.
/// </summary>
public sealed class ConsumerEnvelope
{
    internal ConsumerEnvelope(JsonElement json, string rawJson)
    {
        Json = json;
        RawJson = rawJson;
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.String &&
            json.TryGetProperty("payload", out var payload))
        {
            Stream = stream.GetString();
            Payload = payload;
        }
        else
        {
            Payload = json;
        }
    }

    /// <summary>The frame as JSON (for a batch-subprotocol frame, this envelope's element of the array).</summary>
    public JsonElement Json { get; }

    /// <summary>The frame's JSON text, as received (for a batch element, the element's text).</summary>
    public string RawJson { get; }

    /// <summary>The <c>stream</c> of a multiplexed frame, or null for a plain endpoint's frame.</summary>
    public string? Stream { get; }

    /// <summary>The envelope object: the <c>payload</c> of a multiplexed frame, else the frame itself.</summary>
    public JsonElement Payload { get; }

    /// <summary><c>response_status</c> (200, 201, 204, 400, 401, 403, 404, 405, 429, 500), or null when the frame has none.</summary>
    public int? ResponseStatus => Property("response_status") is { ValueKind: JsonValueKind.Number } status && status.TryGetInt32(out var value) ? value : null;

    /// <summary>Whether <see cref="ResponseStatus"/> is 2xx.</summary>
    public bool IsSuccess => ResponseStatus is >= 200 and < 300;

    /// <summary><c>action</c>: the request's action on a reply, <c>create</c>/<c>update</c>/<c>delete</c> on a notification; null when absent or JSON null.</summary>
    public string? Action => Property("action") is { ValueKind: JsonValueKind.String } action ? action.GetString() : null;

    /// <summary><c>request_id</c> with its JSON type (a string stays a string); <see cref="JsonValueKind.Undefined"/> when absent.</summary>
    public JsonElement RequestId => Property("request_id");

    /// <summary><c>data</c>; <see cref="JsonValueKind.Null"/> for an error or a 204, <see cref="JsonValueKind.Undefined"/> when absent.</summary>
    public JsonElement Data => Property("data");

    /// <summary><c>errors</c>: <c>[]</c>, <c>["message", ...]</c>, or a validation failure's <c>[{"field": ["message"]}]</c>.</summary>
    public JsonElement Errors => Property("errors");

    /// <summary>
    /// The messages of <see cref="Errors"/> as text: each string as it is, each validation entry as <c>field: message</c>.
    /// Empty when there are none.
    /// </summary>
    public IReadOnlyList<string> ErrorMessages
    {
        get
        {
            var messages = new List<string>();
            if (Errors.ValueKind != JsonValueKind.Array)
            {
                return messages;
            }

            foreach (var error in Errors.EnumerateArray())
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    messages.Add(error.GetString()!);
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in error.EnumerateObject())
                    {
                        var texts = entry.Value.ValueKind == JsonValueKind.Array ? entry.Value.EnumerateArray().Select(m => m.ToString()) : [entry.Value.ToString()];
                        messages.AddRange(texts.Select(text => $"{entry.Name}: {text}"));
                    }
                }
                else
                {
                    messages.Add(error.GetRawText());
                }
            }

            return messages;
        }
    }

    /// <summary>Whether <c>request_id</c> is the string <paramref name="requestId"/>.</summary>
    /// <param name="requestId">The request id a request was sent with.</param>
    /// <returns><see langword="true"/> for a JSON string equal to it (a number <c>1</c> does not match <c>"1"</c>).</returns>
    public bool HasRequestId(string requestId)
        => RequestId.ValueKind == JsonValueKind.String && RequestId.ValueEquals(requestId);

    /// <summary>Whether <c>request_id</c> is the number <paramref name="requestId"/>.</summary>
    /// <param name="requestId">The request id a request was sent with.</param>
    /// <returns><see langword="true"/> for a JSON number equal to it.</returns>
    public bool HasRequestId(long requestId)
        => RequestId.ValueKind == JsonValueKind.Number && RequestId.TryGetInt64(out var value) && value == requestId;

    /// <summary>
    /// Reads <c>data</c> with source-generated metadata (trimming- and AOT-safe) under the wire's names, as the runtime
    /// wrote it: snake_case property names whatever <paramref name="typeInfo"/>'s context sets (names given with
    /// <c>[JsonPropertyName]</c> stay as written), a constructor parameter of a non-nullable reference type without a
    /// default required, nullable annotations respected.
    /// </summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="typeInfo">Its metadata, e.g. <c>MyJson.Default.RoomDto</c>; any naming policy.</param>
    /// <returns>The value; default for JSON null or a missing <c>data</c>.</returns>
    /// <exception cref="JsonException">
    /// <c>data</c> does not match <typeparamref name="T"/>: a required member is missing (the message names it), a
    /// value has the wrong type, or the object has none of <typeparamref name="T"/>'s members (the message lists both).
    /// </exception>
    public T? DataAs<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return WireData.Read(Data, typeInfo);
    }

    /// <summary>Reads <c>data</c> with reflection-based serialization (<paramref name="options"/>, or <see cref="ConsumerConnectOptions.DefaultJsonOptions"/>: snake_case, case-insensitive).</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="options">Serializer options; null for <see cref="ConsumerConnectOptions.DefaultJsonOptions"/>.</param>
    /// <returns>The value; default for JSON null or a missing <c>data</c>.</returns>
    /// <exception cref="JsonException"><c>data</c> does not match <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON: use the JsonTypeInfo overload under trimming.")]
    [RequiresDynamicCode("Reflection-based JSON: use the JsonTypeInfo overload under Native AOT.")]
    public T? DataAs<T>(JsonSerializerOptions? options = null)
        => Data.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? default : Data.Deserialize<T>(options ?? ConsumerConnectOptions.DefaultJsonOptions);

    /// <summary>The frame's JSON text.</summary>
    /// <returns><see cref="RawJson"/>.</returns>
    public override string ToString() => RawJson;

    private JsonElement Property(string name)
        => Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var value) ? value : default;
}
