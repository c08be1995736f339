using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Consumers.Tests.Resume;

/// <summary>
/// A client of the <c>consumers.resume</c> subprotocol over a real TCP socket it can cut abruptly (a reset, not a close):
/// counts the frames it receives (an array counts one per element), keeps the newest token, acknowledges on request,
/// and comes back with the token and its count.
/// </summary>
public sealed class ResumeClient : IAsyncDisposable
{
    private readonly Uri _uri;
    private readonly string[] _subprotocols;
    private readonly Queue<JsonNode> _pending = new();
    private readonly List<string> _sent = [];
    private ClientWebSocket _socket = null!;
    private Socket? _tcp;

    private ResumeClient(Uri uri, string[] subprotocols)
    {
        _uri = uri;
        _subprotocols = subprotocols;
    }

    /// <summary>Frames received and counted (the control frames are not).</summary>
    public long Seq { get; private set; }

    /// <summary>The newest token.</summary>
    public string? Token { get; private set; }

    /// <summary>The last <c>$resume</c> frame.</summary>
    public JsonObject? LastResume { get; private set; }

    /// <summary>
    /// The position vector (docs/protocol.md, "Recovery on another node"): per (stream, group, sending node) the last
    /// sequence number of a group message whose frames all arrived, from the <c>$origin</c> frames.
    /// </summary>
    public Dictionary<(string Stream, string Group, string Node), long> Positions { get; } = [];

    /// <summary>The <c>$origin</c> frames received.</summary>
    public int Origins { get; private set; }

    /// <summary>When the last frame arrived (for the age presented when recovering).</summary>
    public DateTime LastReceived { get; private set; } = DateTime.UtcNow;

    // The $origin frame whose frames are still coming: its key, seq and how many frames are left.
    private ((string, string, string) Key, long Seq, int Left)? _origin;

    public ClientWebSocket Socket => _socket;

    public static async Task<ResumeClient> ConnectAsync(Uri uri, params string[] subprotocols)
    {
        var client = new ResumeClient(uri, subprotocols.Length == 0 ? ["consumers.resume"] : subprotocols);
        await client.OpenAsync(client._uri);
        return client;
    }

    /// <summary>Cuts the TCP connection with a reset: no close frame, no FIN.</summary>
    public void Drop()
    {
        _tcp!.LingerState = new LingerOption(true, 0);
        _tcp.Close();
        _socket.Abort();
        _pending.Clear();
    }

    /// <summary>Opens a new socket with the newest token and the count (or the given ones) and reads its <c>$resume</c> frame.</summary>
    public async Task<JsonObject> ReconnectAsync(string? token = null, long? seq = null)
    {
        var separator = _uri.Query.Length > 0 ? "&" : "?";
        await OpenAsync(new Uri(_uri + separator + "consumers_resume=" + Uri.EscapeDataString(token ?? Token!) + "&consumers_seq=" + (seq ?? Seq)));
        return await ReadResumeAsync();
    }

    /// <summary>Reads the <c>$resume</c> frame that opens every socket of the subprotocol.</summary>
    public async Task<JsonObject> ReadResumeAsync()
    {
        var frame = (await ReceiveRawAsync()).AsObject();
        if (frame["action"]?.GetValue<string>() != "$resume")
        {
            throw new InvalidOperationException("Expected a $resume frame, got " + frame.ToJsonString());
        }

        LastResume = frame;
        Token = frame["token"]!.GetValue<string>();
        Seq = frame["seq"]!.GetValue<long>();
        var received = (int)frame["received"]!.GetValue<long>();
        if (frame["resume"]!.GetValue<string>() == "resumed")
        {
            // What the server had not read when the socket dropped is sent again.
            var unread = _sent.Skip(received).ToList();
            _sent.RemoveRange(received, _sent.Count - received);
            foreach (var json in unread)
            {
                await SendAsync(json);
            }
        }
        else
        {
            _sent.Clear();
        }

        return frame;
    }

    /// <summary>The next counted frame (an array's elements one by one); <c>$origin</c> frames are counted and read, not returned.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? within = null)
    {
        while (true)
        {
            if (_pending.Count == 0)
            {
                var node = await ReceiveRawAsync(within);
                if (node is JsonArray array)
                {
                    foreach (var element in array)
                    {
                        _pending.Enqueue(element!.DeepClone());
                    }
                }
                else
                {
                    _pending.Enqueue(node);
                }
            }

            Seq++;
            var frame = _pending.Dequeue().AsObject();
            if (frame["action"]?.GetValue<string>() == "$origin")
            {
                Origins++;
                var key = (frame["stream"]?.GetValue<string>() ?? "", frame["group"]!.GetValue<string>(), frame["node"]!.GetValue<string>());
                _origin = (key, frame["seq"]!.GetValue<long>(), (int)frame["frames"]!.GetValue<long>());
                Counted(null);
                continue;
            }

            Counted(frame);
            return frame;
        }
    }

    // A frame arrived (null: the $origin frame itself): the pending origin is seen once all its frames are.
    private void Counted(JsonObject? frame)
    {
        if (_origin is not { } origin)
        {
            return;
        }

        var left = frame is null ? origin.Left : origin.Left - 1;
        if (left > 0)
        {
            _origin = origin with { Left = left };
            return;
        }

        _origin = null;
        Positions[origin.Key] = Math.Max(origin.Seq, Positions.GetValueOrDefault(origin.Key));
    }

    /// <summary>
    /// Opens a new socket (to <paramref name="uri"/>, another node) with the newest token, the count, the position vector
    /// (or <paramref name="positions"/> as given) and the age of the last frame, and reads its <c>$resume</c> frame.
    /// </summary>
    public async Task<JsonObject> RecoverAsync(Uri uri, string? positions = null, long? ageMs = null)
    {
        positions ??= new JsonArray([.. Positions.Select(p => (JsonNode)(p.Key.Stream.Length == 0
            ? new JsonArray(p.Key.Group, p.Key.Node, p.Value)
            : new JsonArray(p.Key.Group, p.Key.Node, p.Value, p.Key.Stream)))]).ToJsonString();
        var age = ageMs ?? (long)(DateTime.UtcNow - LastReceived).TotalMilliseconds;
        var separator = uri.Query.Length > 0 ? "&" : "?";
        await OpenAsync(new Uri(uri + separator + "consumers_resume=" + Uri.EscapeDataString(Token!) + "&consumers_seq=" + Seq
            + "&consumers_pos=" + Uri.EscapeDataString(positions) + "&consumers_age=" + age));
        _pending.Clear();
        _origin = null;
        return await ReadResumeAsync();
    }

    /// <summary>Sends a frame and keeps it, numbered, to send again after a resume if the server had not read it.</summary>
    public Task SendAsync(string json)
    {
        _sent.Add(json);
        return _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    public Task AckAsync() => _socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"action": "$ack", "seq": {{Seq}}}"""), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Whether a frame arrives within <paramref name="within"/> (for "nothing more is sent").</summary>
    public async Task<bool> AnyFrameWithinAsync(TimeSpan within)
    {
        try
        {
            await ReceiveRawAsync(within);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _tcp?.Dispose();
    }

    private async Task<JsonNode> ReceiveRawAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the socket ({result.CloseStatus} {result.CloseStatusDescription}).");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                LastReceived = DateTime.UtcNow;
                return JsonNode.Parse(message.ToArray())!;
            }
        }
    }

    private async Task OpenAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        foreach (var subprotocol in _subprotocols)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        // A handler whose connection callback keeps the TCP socket, so that Drop can reset it.
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                _tcp = tcp;
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        _socket = socket;
    }
}
