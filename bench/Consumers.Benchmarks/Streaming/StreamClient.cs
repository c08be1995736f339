using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// The stream benchmark's client on a <see cref="RawWebSocket"/>: one connection, calls identified by an integer id
/// (Consumers' <c>request_id</c>, SignalR's <c>invocationId</c>), read as they come. It finds what it needs in each
/// message by searching for the keys (no JSON parse, the same for both protocols): the id, the status or message type,
/// and an item's <c>seq</c>, which it checks for order. It counts the payload bytes and WebSocket messages it receives.
/// </summary>
internal sealed class StreamClient : IAsyncDisposable
{
    // Calls in flight by id modulo the table's size: the benchmark keeps far fewer than this in flight.
    private const int Slots = 256;

    private readonly RawWebSocket _socket;
    private readonly StreamTarget _target;
    private readonly PendingCall?[] _calls = new PendingCall?[Slots];
    private readonly WireMessages.Handler _handleMessage;
    private int _nextId;
    private long _bytes;
    private long _frames;
    private long _items;
    private string? _sampleItem;

    private StreamClient(RawWebSocket socket, StreamTarget target)
    {
        _socket = socket;
        _target = target;
        _handleMessage = target == StreamTarget.SignalR ? HandleSignalR : HandleConsumers;
    }

    /// <summary>Payload bytes of the WebSocket messages received since the last <see cref="ResetCounters"/>.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>WebSocket messages received since the last <see cref="ResetCounters"/> that carried at least one stream item.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Stream items received since the last <see cref="ResetCounters"/>.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>The first stream item's message as the server sent it (one protocol message, without SignalR's separator).</summary>
    public string? SampleItem => Volatile.Read(ref _sampleItem);

    /// <summary>The subprotocol the server selected, or null.</summary>
    public string? Subprotocol => _socket.Subprotocol;

    /// <summary>Why the connection ended early, or null.</summary>
    public string? Failure => _socket.Failure;

    /// <summary>Connects to the target's endpoint (Consumers: <c>/ws</c>, offering <c>consumers.batch</c> for the batch target; SignalR: <c>/hub</c> and the JSON handshake).</summary>
    public static async Task<StreamClient> ConnectAsync(StreamTarget target, int port, CancellationToken cancellationToken)
    {
        var socket = await RawWebSocket.ConnectAsync(
            port,
            target == StreamTarget.SignalR ? "/hub" : "/ws",
            target == StreamTarget.ConsumersBatch ? LoadClient.BatchSubprotocol : null,
            cancellationToken).ConfigureAwait(false);
        var client = new StreamClient(socket, target);
        socket.StartReceiving(client.HandleFrame);
        if (target == StreamTarget.SignalR)
        {
            await socket.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        return client;
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _frames, 0);
        Interlocked.Exchange(ref _items, 0);
    }

    /// <summary>Calls the streaming action or hub method <c>items</c> and waits for its end.</summary>
    public Task<CallOutcome> StreamAsync(int count, int textBytes, bool yieldEach, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var yield = yieldEach ? "true" : "false";
        return CallAsync(
            id => _target == StreamTarget.SignalR
                ? Invariant($"{{\"type\":4,\"invocationId\":\"{id}\",\"target\":\"Items\",\"arguments\":[{count},{textBytes},{yield}]}}\u001e")
                : Invariant($"{{\"action\":\"items\",\"count\":{count},\"text_bytes\":{textBytes},\"yield_each\":{yield},\"request_id\":{id}}}"),
            timeout,
            cancellationToken);
    }

    /// <summary>Calls <c>echo</c> (an ordered action; a hub method) and waits for its answer.</summary>
    public Task<CallOutcome> EchoAsync(TimeSpan timeout, CancellationToken cancellationToken) => CallAsync(
        id => _target == StreamTarget.SignalR
            ? Invariant($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Echo\",\"arguments\":[{id}]}}\u001e")
            : Invariant($"{{\"action\":\"echo\",\"n\":{id},\"request_id\":{id}}}"),
        timeout,
        cancellationToken);

    /// <summary>Calls <c>slow</c> (a concurrent action; a hub method) and returns the task of its answer.</summary>
    public Task<CallOutcome> SlowAsync(int milliseconds, TimeSpan timeout, CancellationToken cancellationToken) => CallAsync(
        id => _target == StreamTarget.SignalR
            ? Invariant($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Slow\",\"arguments\":[{milliseconds}]}}\u001e")
            : Invariant($"{{\"action\":\"slow\",\"ms\":{milliseconds},\"request_id\":{id}}}"),
        timeout,
        cancellationToken);

    private static byte[] Invariant(FormattableString text) => Encoding.UTF8.GetBytes(text.ToString(CultureInfo.InvariantCulture));

    private async Task<CallOutcome> CallAsync(Func<int, byte[]> request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var payload = request(id);
        var call = new PendingCall(id, Stopwatch.GetTimestamp());
        Volatile.Write(ref _calls[id % Slots], call);
        try
        {
            await _socket.SendTextAsync(payload, cancellationToken).ConfigureAwait(false);
            return await call.Done.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new CallOutcome(0, 0, $"no end within {timeout.TotalSeconds:0} s" + (Failure is { } failure ? $" (connection: {failure})" : string.Empty), false, 0, 0);
        }
        finally
        {
            Interlocked.CompareExchange(ref _calls[id % Slots], null, call);
        }
    }

    private void HandleFrame(ReadOnlySpan<byte> payload)
    {
        Interlocked.Add(ref _bytes, payload.Length);
        var items = _target == StreamTarget.SignalR
            ? WireMessages.SignalR(payload, _handleMessage)
            : WireMessages.Consumers(payload, _handleMessage, out _);
        if (items > 0)
        {
            Interlocked.Increment(ref _frames);
            Interlocked.Add(ref _items, items);
        }
    }

    // {"errors":[],"data":{"seq":0,"text":"x"},"action":"items","response_status":200,"request_id":7}: a 200 of a
    // stream is an item, its 204 the end; a plain call's 200 is its answer; any other status ends the call with an error.
    private int HandleConsumers(ReadOnlySpan<byte> message)
    {
        if (Find(message, "\"request_id\":"u8, last: true) is not { } id || Lookup(id) is not { } call)
        {
            return 0;
        }

        var status = Find(message, "\"response_status\":"u8, last: true);
        if (status == 200 && Find(message, "\"seq\":"u8, last: false) is { } seq)
        {
            call.Item(seq);
            Sample(message);
            return 1;
        }

        switch (status)
        {
            case 200 or 204:
                call.Complete(null);
                break;
            case 429:
                call.Complete("429: " + Encoding.UTF8.GetString(message), refused: true);
                break;
            default:
                call.Complete(Encoding.UTF8.GetString(message));
                break;
        }

        return 0;
    }

    // {"type":2,"invocationId":"7","item":{...}}: an item; {"type":3,"invocationId":"7"[,"result":...|,"error":"..."]}:
    // the end of a stream or a call's answer; pings (6), the handshake's {} and anything else are skipped.
    private int HandleSignalR(ReadOnlySpan<byte> message)
    {
        var type = Find(message, "\"type\":"u8, last: false);
        if (type is not (2 or 3) || Find(message, "\"invocationId\":\""u8, last: false) is not { } id || Lookup(id) is not { } call)
        {
            return 0;
        }

        if (type == 2 && Find(message, "\"seq\":"u8, last: false) is { } seq)
        {
            call.Item(seq);
            Sample(message);
            return 1;
        }

        call.Complete(message.IndexOf("\"error\":"u8) >= 0 ? Encoding.UTF8.GetString(message) : null);
        return 0;
    }

    private PendingCall? Lookup(int id) => Volatile.Read(ref _calls[id % Slots]) is { } call && call.Id == id ? call : null;

    private void Sample(ReadOnlySpan<byte> message)
    {
        if (Volatile.Read(ref _sampleItem) is null)
        {
            Interlocked.CompareExchange(ref _sampleItem, Encoding.UTF8.GetString(message), null);
        }
    }

    /// <summary>The integer after the first (or last) <paramref name="key"/>, whitespace allowed; null when absent.</summary>
    private static int? Find(ReadOnlySpan<byte> message, ReadOnlySpan<byte> key, bool last)
    {
        var at = last ? message.LastIndexOf(key) : message.IndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = message[(at + key.Length)..].TrimStart(" \t\r\n"u8);
        return Utf8Parser.TryParse(rest, out int value, out _) ? value : null;
    }

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
