using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Consumers.Testing.Communication;

/// <summary>How a <see cref="ConsumerCommunicator"/> (or a generated client run by the kit) opens its connection.</summary>
public sealed class ConsumerConnectOptions
{
    /// <summary>The subprotocol that lets the server pack several envelopes into one frame (a JSON array).</summary>
    public const string BatchSubprotocol = "consumers.batch";

    /// <summary>
    /// The options of the reflection-based overloads: snake_case names read case-insensitively (<c>created_at</c> and
    /// <c>pk</c> bind to <c>CreatedAt</c> and <c>Pk</c>, as DCRF front ends write them), numbers from strings allowed,
    /// reflection metadata, so they work even where reflection is off by default.
    /// </summary>
    public static JsonSerializerOptions DefaultJsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// The user of the connection: the app authenticates the handshake as this principal through the kit's test
    /// authentication scheme, which the host must have (<c>factory.WithTestAuthentication()</c> or
    /// <c>services.AddConsumersTestAuthentication()</c>). Null: no test user (the app's own authentication applies).
    /// </summary>
    public ClaimsPrincipal? User { get; set; }

    /// <summary>The handshake's <c>Origin</c> header (checked by <c>ConsumerOptions.AllowedOrigins</c>); null sends none.</summary>
    public string? Origin { get; set; }

    /// <summary>More request headers of the handshake (a cookie, an <c>Authorization</c> header).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Offers <see cref="BatchSubprotocol"/>: the server may then send several envelopes in one frame, which the
    /// communicator unpacks into one <see cref="ConsumerEnvelope"/> each, in order. Default false.
    /// </summary>
    public bool Batch { get; set; }

    /// <summary>The subprotocol of resumable connections (docs/protocol.md, "Resumable connections").</summary>
    public const string ResumeSubprotocol = "consumers.resume";

    /// <summary>
    /// Offers <see cref="ResumeSubprotocol"/>: the communicator reads the server's <c>$resume</c> frames (they are not
    /// envelopes), counts the frames it receives, acknowledges every 50, and can be cut abruptly
    /// (<see cref="ConsumerCommunicator.Drop"/>) and come back (<see cref="ConsumerCommunicator.ResumeAsync(CancellationToken)"/>), so a
    /// test sees what its consumer's clients see across a network drop. Default false.
    /// </summary>
    public bool Resume { get; set; }

    /// <summary>More subprotocols to offer.</summary>
    public IList<string> SubProtocols { get; } = new List<string>();

    /// <summary>How long a receive waits by default. Default 5 seconds.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = ConsumerCommunicator.DefaultReceiveTimeout;

    /// <summary>How long the handshake may take (then the connect throws <see cref="TimeoutException"/>). Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // What the handshake offers: the listed subprotocols, then resume and batch when asked for.
    internal IEnumerable<string> OfferedSubProtocols()
    {
        foreach (var protocol in SubProtocols)
        {
            yield return protocol;
        }

        if (Resume)
        {
            yield return ResumeSubprotocol;
        }

        if (Batch)
        {
            yield return BatchSubprotocol;
        }
    }

    internal static string HandshakeTimedOut(string path, TimeSpan limit)
        => $"The WebSocket handshake of {path} did not complete within {limit.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s (a slow OnConnectAsync, or nothing answering).";

    /// <summary>Changes the handshake request further (it is the server-side request of the test server).</summary>
    public Action<HttpRequest>? ConfigureRequest { get; set; }
}
