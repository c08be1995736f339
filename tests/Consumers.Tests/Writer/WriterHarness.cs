using System.Net.WebSockets;
using System.Text;
using Consumers.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Tests.Writer;

/// <summary>
/// One <see cref="ConnectionWriter"/> over an in-memory duplex stream, with no socket and no server: the server end is
/// the stream a Kestrel upgrade would give (wrapped in <see cref="FrameBatchingStream"/>, its writes recorded), the
/// client end a client <see cref="WebSocket"/> that reads what the writer sent.
/// </summary>
internal sealed class WriterHarness : IAsyncDisposable
{
    private readonly WebSocket _server;
    private readonly FrameBatchingStream _stream;
    private readonly bool _batchEnvelopes;
    private readonly Stream _clientStream;

    public WriterHarness(int queueCapacity = 1024, int queueMaxBytes = 1024 * 1024, bool batchEnvelopes = false, bool slowWrites = false, long pauseBytes = 64 * 1024)
    {
        var (server, client) = InMemoryDuplex.Create(pauseBytes, slowWrites);
        Recorded = server;
        _stream = new FrameBatchingStream(Recorded);
        _server = WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        _clientStream = client;
        Client = WebSocket.CreateFromStream(client, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        Lifetime = new ConnectionLifetime(TimeSpan.FromSeconds(5));
        Writer = new ConnectionWriter(Lifetime, NullLogger.Instance, queueCapacity, queueMaxBytes);
        _batchEnvelopes = batchEnvelopes;
    }

    public ConnectionLifetime Lifetime { get; }

    public ConnectionWriter Writer { get; }

    public RecordingStream Recorded { get; }

    public WebSocket Client { get; }

    /// <summary>Starts the writer on the server end: frames sent before now leave, in batches.</summary>
    public void Start() => Writer.Start(_server, _stream, _batchEnvelopes);

    public bool Send(string json) => Writer.TrySend(OutboundFrame.Shared(Encoding.UTF8.GetBytes(json)));

    public bool SendDelivery(string json) => Writer.TrySendDelivery(OutboundFrame.Shared(Encoding.UTF8.GetBytes(json)));

    /// <summary>The next text message the client receives, or null when it receives the close frame.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await Client.ReceiveAsync(buffer.AsMemory(count), cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, count);
            }
        }
    }

    /// <summary>Closes from the server side and waits until the close frame has been sent.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        Lifetime.RequestClose(status, null);
        await Writer.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Lifetime.RequestClose(WebSocketCloseStatus.NormalClosure, null);
        Lifetime.Abort();
        _server.Abort();
        Client.Abort();

        // Ends the transport both ways, so that a write waiting for a client that never read fails.
        await _clientStream.DisposeAsync();
        await Recorded.DisposeAsync();
        await Writer.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Lifetime.StopDeadline();
        Writer.Drain();
        _server.Dispose();
        Client.Dispose();
    }
}
