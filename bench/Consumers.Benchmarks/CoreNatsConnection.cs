using NATS.Client.Core;

namespace Consumers.Benchmarks;

/// <summary>
/// <see cref="BenchNatsConnection"/> over NATS.Client.Core, used as Consumers.Nats uses it: raw byte payloads, one
/// reader task per subscription draining its channel (capacity 65,536, waiting rather than dropping when full).
/// </summary>
internal sealed class CoreNatsConnection(string url, string name) : BenchNatsConnection
{
    private readonly NatsConnection _connection = new(NatsOpts.Default with
    {
        Url = url,
        Name = name,
        NoRandomize = true,
        SubPendingChannelCapacity = 65_536,
        SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
    });

    private readonly List<(INatsSub<byte[]> Sub, Task Reader)> _subscriptions = [];

    public override ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, string? replyTo, CancellationToken cancellationToken)
        => _connection.PublishAsync(subject, payload, replyTo: replyTo, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken);

    public override async Task SubscribeAsync(string subject, Action<string?, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken)
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

    public override async Task FlushAsync(CancellationToken cancellationToken) => await _connection.PingAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync()
    {
        foreach (var (sub, reader) in _subscriptions)
        {
            await sub.DisposeAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    protected override Task ConnectAsync(CancellationToken cancellationToken) => _connection.ConnectAsync().AsTask().WaitAsync(cancellationToken);
}
