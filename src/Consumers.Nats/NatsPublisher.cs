using Consumers.Groups;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// Publishes this node's group and channel messages for the other nodes, without ever making the sender wait for NATS.
/// Publishes are numbered and written in that order, so every node sees one sender's messages in sequence order (the
/// replay's duplicate check relies on it).
/// </summary>
/// <remarks>
/// <para>While NATS is open and nothing waits, a send is written to the client at once, from the sender's thread (the
/// client buffers it; nothing is awaited). Otherwise (NATS unreachable, or an earlier publish still being written)
/// the send goes into the <see cref="NatsOutbox"/> and the sender goes on; one drain loop writes the outbox, in order,
/// once NATS is open, and then sends go direct again. A send that does not fit the outbox
/// (<see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>) fails at once with
/// <see cref="NatsGroupLayerUnavailableException"/>; one that waited longer than
/// <see cref="NatsGroupLayerOptions.PublishTimeout"/> is dropped when its turn comes; both are counted
/// (<c>consumers.nats.publish_failed</c>) and logged with the group, as is what is left when the layer stops.</para>
/// <para>The lock taken to number and write a send is never held across a wait for NATS.</para>
/// </remarks>
internal sealed class NatsPublisher
{
    private readonly INatsConnection _connection;
    private readonly NatsGroupLayerOptions _options;
    private readonly NatsMessageCodec _codec;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly NatsRepublishWindow _window;
    private readonly NatsOutbox _outbox;

    // Guards everything below (never held across an await).
    private readonly Lock _gate = new();
    private long _sequence;

    // The sequence number of the last message on each subject, which the next one on it names (receivers see from it
    // that a message overtook an earlier one). Forgotten when it grows past MaxSubjects: the next one on a subject
    // then names none.
    private readonly Dictionary<string, long> _lastOnSubject = new(StringComparer.Ordinal);
    private const int MaxSubjects = 100_000;

    // The drain loop runs: it writes, in order, what waits (an unfinished publish, the republish window, the outbox),
    // and sends queue behind it until it is done.
    private bool _draining;
    private Task _drain = Task.CompletedTask;
    private (Task Task, NatsOutgoing Message)? _unfinished;

    // From a loss until the outbox has drained: sends queued meanwhile are marked held (receivers pace them).
    private bool _recovering;
    private TaskCompletionSource _opened = NewOpened(completed: true);

    public NatsPublisher(INatsConnection connection, NatsGroupLayerOptions options, NatsMessageCodec codec, ILogger logger, CancellationToken stopping)
    {
        _connection = connection;
        _options = options;
        _codec = codec;
        _logger = logger;
        _stopping = stopping;
        _window = new NatsRepublishWindow(options.ReconnectBufferSize);
        _outbox = new NatsOutbox(options.ReconnectBufferSize);
    }

    /// <summary>Whether messages are kept in JetStream (then recent ones are published again after a reconnect).</summary>
    public bool Replay { get; set; }

    /// <summary>Bytes waiting in the outbox.</summary>
    public long OutboxBytes
    {
        get
        {
            lock (_gate)
            {
                return _outbox.Bytes;
            }
        }
    }

    /// <summary>A one-line picture, for failure messages.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return $"outbox {_outbox.Count} messages / {_outbox.Bytes} B, {(_draining ? "draining" : "direct")}, sequence {_sequence}";
            }
        }
    }

    /// <summary>The drain loop (running or last), for tests.</summary>
    internal Task Drain
    {
        get
        {
            lock (_gate)
            {
                return _drain;
            }
        }
    }

    /// <summary>
    /// Publishes a message, or queues it in the outbox; never waits for NATS. Completes at once, or faulted with
    /// <see cref="NatsGroupLayerUnavailableException"/> when the outbox is full, or with the client's
    /// <see cref="NatsException"/> when it refuses the message (larger than the server's <c>max_payload</c>).
    /// </summary>
    /// <param name="subject">The group's or node's subject.</param>
    /// <param name="target">The group or channel, for logs.</param>
    /// <param name="message">The message.</param>
    /// <param name="channel">The receiving channel of a channel message; null for a group message.</param>
    /// <param name="numbered">
    /// Called with the message's sequence number under the lock that numbers and writes publishes, before the message
    /// is written or queued (the layer delivers it to local members there, so that they get this node's messages in
    /// sequence order); null when nothing needs the number.
    /// </param>
    public ValueTask PublishAsync(string subject, string target, GroupMessage message, string? channel, Action<long>? numbered = null)
    {
        var headers = _codec.Encode(message, channel, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var size = NatsMessageCodec.Size(message.Payload, headers);
        lock (_gate)
        {
            if (!_draining && _connection.ConnectionState == NatsConnectionState.Open)
            {
                NatsMessageCodec.Number(headers, ++_sequence, PreviousOn(subject), held: false);
                numbered?.Invoke(_sequence);
                return WriteNow(new NatsOutgoing(subject, target, message.Payload, headers, Environment.TickCount64, size));
            }

            if (!_outbox.Fits(size))
            {
                // Open but draining: the client took a write slower than this node publishes, and the rest queued behind it.
                var cause = _connection.ConnectionState == NatsConnectionState.Open
                    ? "NATS is not taking messages as fast as this node publishes them"
                    : "NATS is unreachable";
                return ValueTask.FromException(Failed(target, "outbox_full", new NatsGroupLayerUnavailableException(
                    $"{cause} and the messages waiting for it ({_outbox.Count}, {_outbox.Bytes} bytes) leave no room for this one ({size} bytes) under Consumers:Nats:ReconnectBufferSize ({_outbox.MaxBytes} bytes).")));
            }

            var held = _recovering || _connection.ConnectionState != NatsConnectionState.Open;
            NatsMessageCodec.Number(headers, ++_sequence, PreviousOn(subject), held);
            numbered?.Invoke(_sequence);
            _outbox.Add(new NatsOutgoing(subject, target, message.Payload, headers, Environment.TickCount64, size));
            if (held)
            {
                NatsGroupLayerMetrics.Held.Add(1);
            }

            StartDrainUnderGate();
            return ValueTask.CompletedTask;
        }
    }

    // Under _gate, with _sequence just taken for a message on `subject`.
    private long PreviousOn(string subject)
    {
        if (_lastOnSubject.Count >= MaxSubjects)
        {
            _lastOnSubject.Clear();
        }

        var previous = _lastOnSubject.GetValueOrDefault(subject);
        _lastOnSubject[subject] = _sequence;
        return previous;
    }

    /// <summary>The connection was lost: the drain loop waits for it, and with replay on publishes the window again first.</summary>
    public void Lost()
    {
        lock (_gate)
        {
            _recovering = true;
            if (_opened.Task.IsCompleted)
            {
                _opened = NewOpened(completed: false);
            }

            if (Replay)
            {
                _window.Lost();
                StartDrainUnderGate();
            }
        }
    }

    /// <summary>The connection is open again: the drain loop goes on.</summary>
    public void Opened()
    {
        lock (_gate)
        {
            _opened.TrySetResult();
            if (!_draining)
            {
                // Nothing waited for the return: the recovery is over.
                _recovering = false;
            }
        }
    }

    /// <summary>
    /// The layer stops (its stopping token is cancelled): waits for the drain loop, then counts and logs what was never
    /// published.
    /// </summary>
    public async Task StopAsync()
    {
        try
        {
            await Drain.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        int count;
        long bytes;
        lock (_gate)
        {
            (count, bytes) = (_outbox.Count, _outbox.Bytes);
            while (_outbox.TryTake(out _))
            {
            }
        }

        if (count > 0)
        {
            NatsGroupLayerMetrics.PublishFailed.Add(count, new KeyValuePair<string, object?>("reason", "stopped"));
            NatsGroupLayerLog.StoppedWithOutbox(_logger, count, bytes);
        }
    }

    // Under _gate, the connection open and nothing waiting: the client takes the message now (it buffers it). If it
    // cannot at once (its write lock is taken, or its buffer is full), the publish finishes in the drain loop and the
    // sends after it queue behind it.
    private ValueTask WriteNow(NatsOutgoing message)
    {
        ValueTask publish;
        try
        {
            publish = Write(message);
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
        {
            return ValueTask.FromException(Failed(message.Target, "error", ex));
        }

        if (publish.IsCompletedSuccessfully)
        {
            Remember(message);
            return ValueTask.CompletedTask;
        }

        if (publish.IsFaulted || publish.IsCanceled)
        {
            var ex = publish.AsTask().Exception?.InnerException ?? new OperationCanceledException();
            return ValueTask.FromException(Failed(message.Target, "error", ex));
        }

        _unfinished = (publish.AsTask(), message);
        StartDrainUnderGate();
        return ValueTask.CompletedTask;
    }

    private ValueTask Write(NatsOutgoing message)
        => _connection.PublishAsync(message.Subject, message.Payload, message.Headers, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: _stopping);

    private void Remember(NatsOutgoing message)
    {
        if (Replay)
        {
            _window.Remember(message);
        }
    }

    private void StartDrainUnderGate()
    {
        if (!_draining && !_stopping.IsCancellationRequested)
        {
            _draining = true;
            _drain = Task.Run(DrainAsync);
        }
    }

    // The one writer while it runs: the unfinished publish, then (after a loss, once NATS is open) the republish window,
    // then the outbox in order. Ends when nothing waits; sends go direct again.
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                (Task Task, NatsOutgoing Message)? unfinished;
                lock (_gate)
                {
                    unfinished = _unfinished;
                    _unfinished = null;
                }

                if (unfinished is { } pending)
                {
                    await FinishAsync(pending.Task, pending.Message).ConfigureAwait(false);
                    continue;
                }

                if (_connection.ConnectionState != NatsConnectionState.Open)
                {
                    await WaitForOpenAsync().ConfigureAwait(false);
                    continue;
                }

                if (Replay && _window.Due)
                {
                    try
                    {
                        await _window.RepublishAsync(_connection, _stopping).ConfigureAwait(false);
                    }
                    catch (NatsException)
                    {
                        // Lost again: the next reconnect republishes (the window is still due).
                    }

                    continue;
                }

                NatsOutgoing next;
                lock (_gate)
                {
                    if (!_outbox.TryTake(out next))
                    {
                        if (Replay && _window.Due)
                        {
                            continue;
                        }

                        _draining = false;
                        _recovering = false;
                        return;
                    }
                }

                if (Environment.TickCount64 - next.At > (long)_options.PublishTimeout.TotalMilliseconds)
                {
                    Failed(next.Target, "expired", new NatsGroupLayerUnavailableException(
                        $"The message waited for NATS longer than Consumers:Nats:PublishTimeout ({_options.PublishTimeout.TotalSeconds:0.###} s) and was dropped."));
                    continue;
                }

                ValueTask write;
                try
                {
                    write = Write(next);
                }
                catch (NatsException ex)
                {
                    Failed(next.Target, "error", ex);
                    continue;
                }

                if (write.IsCompletedSuccessfully)
                {
                    Remember(next);
                }
                else
                {
                    await FinishAsync(write.AsTask(), next).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping (StopAsync reports what is left), or the connection is gone with the layer.
            lock (_gate)
            {
                _draining = false;
            }
        }
    }

    private async Task FinishAsync(Task publish, NatsOutgoing message)
    {
        try
        {
            await publish.ConfigureAwait(false);
            Remember(message);
        }
        catch (NatsException ex)
        {
            Failed(message.Target, "error", ex);
        }
    }

    private async Task WaitForOpenAsync()
    {
        Task opened;
        lock (_gate)
        {
            opened = _opened.Task;
        }

        // The loss may not have been announced yet (the state changes first): look again shortly either way.
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        await Task.WhenAny(opened, Task.Delay(50, delay.Token)).ConfigureAwait(false);
        await delay.CancelAsync().ConfigureAwait(false);
        _stopping.ThrowIfCancellationRequested();
    }

    // Local members already have it; the other nodes do not get it. Counted, logged with the group, and returned for
    // the caller when there is one.
    private Exception Failed(string target, string reason, Exception exception)
    {
        NatsGroupLayerMetrics.PublishFailed.Add(1, new KeyValuePair<string, object?>("reason", reason));
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
