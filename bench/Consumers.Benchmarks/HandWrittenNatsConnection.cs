using Consumers.Groups.Nats.Client;

namespace Consumers.Benchmarks;

/// <summary><see cref="BenchNatsConnection"/> over the runtime's hand-written client.</summary>
internal sealed class HandWrittenNatsConnection(string url, string name) : BenchNatsConnection
{
    private readonly NatsConnection _connection = new(new NatsClientOptions { Urls = [url], Name = name, NoRandomize = true });

    public override ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> payload, string? replyTo, CancellationToken cancellationToken)
        => _connection.PublishAsync(subject, payload, replyTo: replyTo, cancellationToken: cancellationToken);

    public override async Task SubscribeAsync(string subject, Action<string?, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken)
        => await _connection.SubscribeAsync(subject, null, message => handler(message.ReplyTo, message.Payload), cancellationToken).ConfigureAwait(false);

    public override Task FlushAsync(CancellationToken cancellationToken) => _connection.FlushAsync(cancellationToken);

    public override ValueTask DisposeAsync() => _connection.DisposeAsync();

    protected override Task ConnectAsync(CancellationToken cancellationToken) => _connection.ConnectAsync(cancellationToken);
}
