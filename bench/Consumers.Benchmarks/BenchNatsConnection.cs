namespace Consumers.Benchmarks;

/// <summary>The few operations the client benchmarks need, over either <see cref="NatsClientKind"/>.</summary>
internal abstract class BenchNatsConnection : IAsyncDisposable
{
    public static async Task<BenchNatsConnection> ConnectAsync(NatsClientKind kind, string url, string name, CancellationToken cancellationToken)
    {
        BenchNatsConnection connection = kind switch
        {
            NatsClientKind.HandWritten => new HandWrittenNatsConnection(url, name),
            _ => new CoreNatsConnection(url, name),
        };
        await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Hands a message to the client; completes synchronously unless the client applies back-pressure.</summary>
    public abstract ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, string? replyTo, CancellationToken cancellationToken);

    /// <summary>Subscribes; <paramref name="handler"/> gets each message's reply subject and payload, one at a time, in order.</summary>
    public abstract Task SubscribeAsync(string subject, Action<string?, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken);

    /// <summary>Completes once the server has processed everything sent before (a PING/PONG barrier).</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected abstract Task ConnectAsync(CancellationToken cancellationToken);
}
