using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Consumers.Nats;

/// <summary>
/// The JetStream side of the layer: a stream over the layer's group and node subjects that keeps every message for
/// <see cref="NatsGroupLayerOptions.ReplayWindow"/> (file storage, so it outlives a server restart), and the replay of
/// what was stored since a moment (every subject, or one group's). Publishers do not wait for JetStream's
/// acknowledgement (a plain publish on a stream subject is stored all the same; awaiting acks is what limits
/// JetStream publishers to ~13 k/s in nats.net issue #375).
/// </summary>
internal sealed class NatsReplayStream(INatsConnection connection, NatsGroupLayerOptions options, NatsSubjects subjects)
{
    private const int Batch = 1000;

    private readonly NatsJSContext _js = new(connection);

    /// <summary>
    /// Creates the stream, or updates it to these settings. A cluster that does not answer in time or says JetStream is
    /// not ready yet (503: no meta leader elected, or nodes creating a replicated stream at once) is asked again every
    /// 250 ms until <paramref name="cancellationToken"/> ends the wait; a server without JetStream, or one that refuses
    /// the settings (more replicas than servers), is answered at once.
    /// </summary>
    /// <returns>Null when the stream is in place, else why JetStream cannot be used.</returns>
    public async Task<string?> EnsureAsync(CancellationToken cancellationToken)
    {
        var config = new StreamConfig(options.StreamName, subjects.Stored)
        {
            MaxAge = options.ReplayWindow,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = options.ReplayWindow < TimeSpan.FromMinutes(2) ? options.ReplayWindow : TimeSpan.FromMinutes(2),
            Discard = StreamConfigDiscard.Old,
            NumReplicas = options.StreamReplicas,
        };
        var why = "JetStream did not answer before the connect timeout";
        while (true)
        {
            try
            {
                await _js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (NatsException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!WorthAskingAgain(ex))
                {
                    return ex.Message;
                }

                why = ex.Message;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return why;
            }

            try
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return why;
            }
        }
    }

    private static bool WorthAskingAgain(NatsException exception) => exception switch
    {
        NatsNoRespondersException => false,                 // no JetStream on this server
        NatsJSApiException api => api.Error.Code == 503,    // JetStream there but not ready
        _ => true,                                           // no answer in time
    };

    /// <summary>
    /// Hands every stored message since <paramref name="since"/> (server time) to <paramref name="route"/>, in stream
    /// order, one at a time (it may wait: the replay is paced to the receiving clients), until the stream has nothing more.
    /// Read through an ephemeral pull consumer, filtered by the server with <c>filter_subject</c>, which every server since
    /// 2.9 applies (the client's ordered consumer sends <c>filter_subjects</c>, which nats-server 2.9 ignores: a group's
    /// replay would get every group's messages of the window); a batch with a gap in the consumer's sequence makes it again
    /// after the last message handed over, as the ordered consumer does; deleted afterwards (and dropped by the server
    /// after 30 s idle should the delete not arrive).
    /// </summary>
    /// <param name="since">The earliest store time of a message to hand over.</param>
    /// <param name="route">Takes each message.</param>
    /// <param name="cancellationToken">Ends the replay.</param>
    /// <param name="subject">Only the messages of this subject (one group's); null for every subject.</param>
    /// <returns>How many messages were read.</returns>
    /// <exception cref="NatsJSException">The replay found a gap in what it read five times over.</exception>
    public async Task<int> ReplayAsync(DateTimeOffset since, Func<INatsJSMsg<byte[]>, ValueTask> route, CancellationToken cancellationToken, string? subject = null)
    {
        const int MaxAttempts = 5;
        var total = 0;
        ulong after = 0;
        for (var attempt = 1; ; attempt++)
        {
            var config = new ConsumerConfig
            {
                Name = "consumers-replay-" + Guid.NewGuid().ToString("N"),
                FilterSubject = subject,
                AckPolicy = ConsumerConfigAckPolicy.None,
                InactiveThreshold = TimeSpan.FromSeconds(30),
                MemStorage = true,
                NumReplicas = 1,
            };
            if (after == 0)
            {
                config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime;
                config.OptStartTime = since;
            }
            else
            {
                config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence;
                config.OptStartSeq = after + 1;
            }

            var consumer = await _js.CreateOrUpdateConsumerAsync(options.StreamName, config, cancellationToken).ConfigureAwait(false);
            var gap = false;
            try
            {
                ulong expected = 1;
                while (!gap)
                {
                    var read = 0;
                    ulong pending = 0;
                    await foreach (var msg in consumer.FetchNoWaitAsync(new NatsJSFetchOpts { MaxMsgs = Batch }, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
                    {
                        if (msg.Metadata is not { } metadata || metadata.Sequence.Consumer != expected)
                        {
                            gap = true;
                            break;
                        }

                        expected++;
                        read++;
                        pending = metadata.NumPending;
                        after = metadata.Sequence.Stream;
                        total++;
                        await route(msg).ConfigureAwait(false);
                    }

                    if (read == 0 || pending == 0)
                    {
                        break;
                    }
                }
            }
            finally
            {
                try
                {
                    await _js.DeleteConsumerAsync(options.StreamName, config.Name, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
                {
                    // Gone with the connection (or the layer is stopping): the server drops it once idle.
                }
            }

            if (!gap)
            {
                return total;
            }

            if (attempt == MaxAttempts)
            {
                throw new NatsJSException($"The replay of {subject} lost its place {MaxAttempts} times.");
            }
        }
    }
}
