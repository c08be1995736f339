using Consumers.Groups;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// Publishes this node's group and channel messages for the other nodes. Publishes are numbered and written one at a
/// time, so every node sees one sender's messages in sequence order (the replay's duplicate check relies on it) and
/// messages held during an outage leave in the order they were sent.
/// </summary>
internal sealed class NatsPublisher
{
    private readonly INatsConnection _connection;
    private readonly NatsGroupLayerOptions _options;
    private readonly NatsMessageCodec _codec;
    private readonly ILogger _logger;
    private readonly NatsRepublishWindow _window;
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private readonly Lock _gate = new();
    private TaskCompletionSource _opened = NewOpened(completed: true);
    private long _sequence;
    private long _heldBytes;

    public NatsPublisher(INatsConnection connection, NatsGroupLayerOptions options, NatsMessageCodec codec, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _codec = codec;
        _logger = logger;
        _window = new NatsRepublishWindow(options.ReconnectBufferSize);
    }

    /// <summary>Whether messages are kept in JetStream (then recent ones are published again after a reconnect).</summary>
    public bool Replay { get; set; }

    /// <summary>A one-line picture, for failure messages.</summary>
    public string State => $"held {Interlocked.Read(ref _heldBytes)} B, publish lock {(_publishLock.CurrentCount == 0 ? "taken" : "free")}, sequence {Interlocked.Read(ref _sequence)}";

    public async ValueTask PublishAsync(string subject, string target, GroupMessage message, string? channel, CancellationToken cancellationToken)
    {
        var held = 0L;
        CancellationTokenSource? timeout = null;
        try
        {
            var token = cancellationToken;
            if (_connection.ConnectionState != NatsConnectionState.Open)
            {
                held = message.Payload.Length + 128;
                if (Interlocked.Add(ref _heldBytes, held) > _options.ReconnectBufferSize)
                {
                    throw new NatsGroupLayerUnavailableException(
                        $"NATS is unreachable and the messages held for it passed Consumers:Nats:ReconnectBufferSize ({_options.ReconnectBufferSize} bytes).");
                }

                timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.PublishTimeout);
                token = timeout.Token;
            }

            if (!_publishLock.Wait(0))
            {
                await _publishLock.WaitAsync(token).ConfigureAwait(false);
            }

            try
            {
                Task opened;
                lock (_gate)
                {
                    opened = _opened.Task;
                }

                if (Replay && !opened.IsCompleted)
                {
                    // Lost the connection after this send started: it waits like a held one, bounded the same way.
                    if (timeout is null)
                    {
                        timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        timeout.CancelAfter(_options.PublishTimeout);
                        token = timeout.Token;
                    }

                    await opened.WaitAsync(token).ConfigureAwait(false);
                }

                await _window.RepublishAsync(_connection, token).ConfigureAwait(false);
                var sequence = ++_sequence;
                var headers = _codec.Encode(message, channel, sequence);
                await _connection.PublishAsync(subject, message.Payload, headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: token).ConfigureAwait(false);
                if (Replay)
                {
                    _window.Remember(subject, message.Payload, headers);
                }
            }
            finally
            {
                _publishLock.Release();
            }
        }
        catch (OperationCanceledException ex) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw Failed(target, new NatsGroupLayerUnavailableException(
                $"NATS was unreachable for longer than Consumers:Nats:PublishTimeout ({_options.PublishTimeout.TotalSeconds:0.###} s).", ex));
        }
        catch (NatsGroupLayerUnavailableException ex)
        {
            throw Failed(target, ex);
        }
        catch (NatsException ex)
        {
            throw Failed(target, ex);
        }
        finally
        {
            if (held != 0)
            {
                Interlocked.Add(ref _heldBytes, -held);
            }

            timeout?.Dispose();
        }
    }

    /// <summary>The connection was lost (replay on): sends wait for it, and the window is published again after it.</summary>
    public void Lost()
    {
        _window.Lost();
        lock (_gate)
        {
            if (_opened.Task.IsCompleted)
            {
                _opened = NewOpened(completed: false);
            }
        }
    }

    /// <summary>The connection is open again: waiting sends go on (the first one republishes the window).</summary>
    public void Opened()
    {
        lock (_gate)
        {
            _opened.TrySetResult();
        }
    }

    /// <summary>Publishes the window now, if no send has done it yet.</summary>
    public async Task RepublishNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _publishLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _window.RepublishAsync(_connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _publishLock.Release();
            }
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Lost again or stopping: the next reconnect (or nothing) republishes.
        }
    }

    // Local members already have it; the other nodes cannot get it. Counted, logged, and the caller learns.
    private Exception Failed(string target, Exception exception)
    {
        NatsGroupLayerMetrics.PublishFailed.Add(1);
        NatsGroupLayerLog.PublishFailed(_logger, target, exception);
        return exception;
    }

    private static TaskCompletionSource NewOpened(bool completed)
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            opened.SetResult();
        }

        return opened;
    }
}
