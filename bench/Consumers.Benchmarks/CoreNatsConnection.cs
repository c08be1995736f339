using NATS.Client.Core;

namespace Consumers.Benchmarks;

/// <summary>
/// A NATS.Client.Core connection used as Consumers.Nats uses it: raw byte payloads, one reader task per subscription
/// draining its channel (capacity 65,536, waiting rather than dropping when full).
/// </summary>
internal sealed class CoreNatsConnection : IAsyncDisposable
{
    private readonly List<(INatsSub<byte[]> Sub, Task Reader)> _subscriptions = [];
    private readonly NatsConnection _connection;

    private CoreNatsConnection(string url, string name) => _connection = new(NatsOpts.Default with
    {
        Url = url,
        Name = name,
        NoRandomize = true,
        SubPendingChannelCapacity = 65_536,
        SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
    });

    public static async Task<CoreNatsConnection> ConnectAsync(string url, string name, CancellationToken cancellationToken)
    {
        var connection = new CoreNatsConnection(url, name);
        await connection._connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Hands a message to the client; completes synchronously unless the client applies back-pressure.</summary>
    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, string? replyTo, CancellationToken cancellationToken)
        => _connection.PublishAsync(subject, payload, replyTo: replyTo, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken);

    /// <summary>Subscribes; <paramref name="handler"/> gets each message's reply subject and payload, one at a time, in order.</summary>
    public async Task SubscribeAsync(string subject, Action<string?, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken)
    {
        var sub = await _connection.SubscribeCoreAsync(subject, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        var reader = Task.Run(async () =>
        {
            var messages = sub.Msgs;
            while (await messages.WaitToReadAsync().ConfigureAwait(false))
            {
                while (messages.TryRead(out var message))
                {
                    handler(message.ReplyTo, message.Data);
                }
            }
        }, CancellationToken.None);
        _subscriptions.Add((sub, reader));
    }

    /// <summary>Completes once the server has processed everything sent before (a PING/PONG barrier).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) => await _connection.PingAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var (sub, reader) in _subscriptions)
        {
            await sub.DisposeAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
