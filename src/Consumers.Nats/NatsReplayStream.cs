using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Consumers.Nats;

/// <summary>
/// The JetStream side of the layer: a stream over the layer's group and node subjects that keeps every message for
/// <see cref="NatsGroupLayerOptions.ReplayWindow"/> (file storage, so it outlives a server restart), and the replay of
/// what was stored since a moment, read with an ordered consumer. Publishers do not wait for JetStream's
/// acknowledgement (a plain publish on a stream subject is stored all the same; awaiting acks is what limits
/// JetStream publishers to ~13 k/s in nats.net issue #375).
/// </summary>
internal sealed class NatsReplayStream(INatsConnection connection, NatsGroupLayerOptions options, NatsSubjects subjects)
{
    private const int Batch = 1000;

    private readonly NatsJSContext _js = new(connection);

    /// <summary>Creates the stream, or updates it to these settings.</summary>
    /// <returns>Null when the stream is in place, else why JetStream cannot be used.</returns>
    public async Task<string?> EnsureAsync(CancellationToken cancellationToken)
    {
        var config = new StreamConfig(options.StreamName, subjects.Stored)
        {
            MaxAge = options.ReplayWindow,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = options.ReplayWindow < TimeSpan.FromMinutes(2) ? options.ReplayWindow : TimeSpan.FromMinutes(2),
            Discard = StreamConfigDiscard.Old,
        };
        try
        {
            await _js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (NatsException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Hands every stored message since <paramref name="since"/> (server time) to <paramref name="route"/>, in stream
    /// order, one at a time (it may wait: the replay is paced to the receiving clients), until the stream has nothing more.
    /// </summary>
    /// <returns>How many messages were read.</returns>
    public async Task<int> ReplayAsync(DateTimeOffset since, Func<INatsJSMsg<byte[]>, ValueTask> route, CancellationToken cancellationToken)
    {
        var consumer = await _js.CreateOrderedConsumerAsync(
            options.StreamName,
            new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime, OptStartTime = since },
            cancellationToken).ConfigureAwait(false);
        var total = 0;
        while (true)
        {
            var read = 0;
            ulong pending = 0;
            await foreach (var msg in consumer.FetchNoWaitAsync(new NatsJSFetchOpts { MaxMsgs = Batch }, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
            {
                read++;
                pending = msg.Metadata?.NumPending ?? 0;
                await route(msg).ConfigureAwait(false);
            }

            total += read;
            if (read == 0 || pending == 0)
            {
                return total;
            }
        }
    }
}
