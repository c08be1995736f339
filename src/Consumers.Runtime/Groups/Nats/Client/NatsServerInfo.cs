using System.Text.Json;

namespace Consumers.Groups.Nats.Client;

/// <summary>The fields of the server's INFO that the client acts on.</summary>
internal sealed record NatsServerInfo
{
    /// <summary>The server's default when INFO omits it (1 MiB).</summary>
    public const long DefaultMaxPayload = 1024 * 1024;

    public string ServerId { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public int Proto { get; init; }

    public long MaxPayload { get; init; } = DefaultMaxPayload;

    public bool Headers { get; init; }

    public bool AuthRequired { get; init; }

    public bool TlsRequired { get; init; }

    public IReadOnlyList<string> ConnectUrls { get; init; } = Array.Empty<string>();

    /// <summary>Lame-duck mode: the server is about to shut down; move elsewhere.</summary>
    public bool LameDuckMode { get; init; }

    /// <exception cref="NatsProtocolException">The JSON is malformed.</exception>
    public static NatsServerInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new NatsProtocolException("INFO body is not a JSON object.");
            }

            var urls = new List<string>();
            if (root.TryGetProperty("connect_urls", out var connectUrls) && connectUrls.ValueKind == JsonValueKind.Array)
            {
                foreach (var url in connectUrls.EnumerateArray())
                {
                    if (url.ValueKind == JsonValueKind.String && url.GetString() is { Length: > 0 } text)
                    {
                        urls.Add(text);
                    }
                }
            }

            return new NatsServerInfo
            {
                ServerId = GetString(root, "server_id"),
                Version = GetString(root, "version"),
                Proto = root.TryGetProperty("proto", out var proto) && proto.TryGetInt32(out var p) ? p : 0,
                MaxPayload = root.TryGetProperty("max_payload", out var max) && max.TryGetInt64(out var m) && m > 0 ? m : DefaultMaxPayload,
                Headers = GetBool(root, "headers"),
                AuthRequired = GetBool(root, "auth_required"),
                TlsRequired = GetBool(root, "tls_required"),
                ConnectUrls = urls,
                LameDuckMode = GetBool(root, "ldm"),
            };
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"INFO body is not valid JSON: {ex.Message}");
        }
    }

    private static string GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static bool GetBool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
