using Consumers.Benchmarks.Fanout;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// The cluster benchmark's floor between nodes: the raw Kestrel broadcaster (<see cref="RawRooms"/>) with each
/// received message delivered to the local members and published once, as it is, on core NATS (<c>rooms.{room}</c>; no
/// JetStream, no headers, no sequence numbers, no ordering or replay), and every message from the other nodes
/// (<c>echo: false</c>, so a node never gets its own back) queued to the room's local members. What a cluster of two
/// Kestrel broadcasters costs when they add nothing to the broker's delivery, the shape of Consumers.Nats (local members
/// served in-process, one publish for the other nodes) without any of its guarantees.
/// </summary>
internal sealed class RawRelay : IHostedService, IAsyncDisposable
{
    private const string Prefix = "rooms.";

    private readonly NatsConnection _connection;
    private readonly CancellationTokenSource _stopping = new();
    private Task _reader = Task.CompletedTask;

    public RawRelay(string url)
    {
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "raw-relay",
            Echo = false,
            SubPendingChannelCapacity = 65_536,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        Rooms = new RawRooms(Publish);
    }

    public RawRooms Rooms { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _connection.ConnectAsync().ConfigureAwait(false);
        var sub = await _connection.SubscribeCoreAsync(Prefix + ">", serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        _reader = Task.Run(async () =>
        {
            await using var _ = sub.ConfigureAwait(false);
            try
            {
                var messages = sub.Msgs;
                while (await messages.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
                {
                    while (messages.TryRead(out var message))
                    {
                        Rooms.Deliver(message.Subject[Prefix.Length..], message.Data!);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    // Completes synchronously unless the client's write buffer is full; a failed publish is lost (core NATS).
    private void Publish(string room, byte[] message)
    {
        var publish = _connection.PublishAsync(Prefix + room, message, serializer: NatsRawSerializer<byte[]>.Default);
        if (!publish.IsCompletedSuccessfully)
        {
            _ = publish.AsTask();
        }
    }
}
