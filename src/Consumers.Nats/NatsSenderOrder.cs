namespace Consumers.Nats;

/// <summary>
/// The order of each sending node's messages on one subscription: what was delivered already (by the sender's
/// sequence number: a message at or below the last one delivered is a duplicate) and what waits for an earlier
/// message that is still missing. Each message names the sequence number of the sender's previous message on the same
/// subject (<see cref="NatsInbound.Previous"/>); one whose previous is later than the last delivered has overtaken it.
/// That happens after a sender lost its server: what the client still held unsent goes out on the reconnect, before
/// the sender publishes again what the dead socket swallowed. Such a message waits, with those after it, until the
/// missing one arrives (then all go, in order) or <see cref="GapWait"/> passes (then they go without it). Not
/// thread-safe: the subscription calls it under its lock.
/// </summary>
internal sealed class NatsSenderOrder
{
    /// <summary>How long messages wait for an earlier one that is missing before they go without it.</summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

    // Per sender with a gap: the messages that wait (any order; duplicates possible) and since when.
    private Dictionary<string, (List<NatsInbound> Messages, long Since)>? _waiting;

    /// <summary>Duplicates dropped so far.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Whether some sender's messages wait for a missing one.</summary>
    public bool Waiting => _waiting is { Count: > 0 };

    /// <summary>The last sequence delivered per sender and the senders with a gap, for failure messages.</summary>
    public string State
        => $"last [{string.Join(",", _last.Select(p => $"{p.Key}={p.Value}"))}]" + (Waiting ? $", waiting [{string.Join(",", _waiting!.Select(p => $"{p.Key}:{p.Value.Messages.Count}"))}]" : "");

    /// <summary>Whether this node delivered the message already.</summary>
    public bool IsDuplicate(NatsInbound message)
        => message is { SenderNode: { } sender, Sequence: > 0 } && _last.TryGetValue(sender, out var last) && message.Sequence <= last;

    /// <summary>
    /// Takes a message; adds to <paramref name="ready"/> what may be delivered now, in order: the message (unless it is a
    /// duplicate or must wait), then what waited for it.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="now"><see cref="Environment.TickCount64"/>.</param>
    /// <param name="ready">Where the messages to deliver go.</param>
    public void Offer(NatsInbound message, long now, List<NatsInbound> ready)
    {
        if (message is not { SenderNode: { } sender, Sequence: > 0 })
        {
            ready.Add(message);
            return;
        }

        if (IsDuplicate(message))
        {
            Duplicates++;
            return;
        }

        if (_waiting is not null && _waiting.TryGetValue(sender, out var waiting))
        {
            waiting.Messages.Add(message);
            Release(sender, waiting.Messages, ready, giveUp: false);
            return;
        }

        if (_last.TryGetValue(sender, out var last) && message.Previous > last)
        {
            (_waiting ??= new(StringComparer.Ordinal))[sender] = ([message], now);
            return;
        }

        _last[sender] = message.Sequence;
        ready.Add(message);
    }

    /// <summary>Lets go, without the missing message, what waited longer than <see cref="GapWait"/>.</summary>
    public void Expire(long now, List<NatsInbound> ready)
    {
        if (_waiting is null)
        {
            return;
        }

        foreach (var (sender, waiting) in _waiting.ToList())
        {
            if (now - waiting.Since >= (long)GapWait.TotalMilliseconds)
            {
                Release(sender, waiting.Messages, ready, giveUp: true);
            }
        }
    }

    // Delivers, in sequence order, the waiting messages that follow on from the last delivered one (all of them when
    // giving up on the gap); the sender stops waiting once none is left.
    private void Release(string sender, List<NatsInbound> messages, List<NatsInbound> ready, bool giveUp)
    {
        messages.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        var last = _last.GetValueOrDefault(sender);
        var taken = 0;
        foreach (var message in messages)
        {
            if (message.Sequence <= last)
            {
                Duplicates++;
            }
            else if (giveUp || message.Previous <= last)
            {
                last = message.Sequence;
                ready.Add(message);
            }
            else
            {
                break;
            }

            taken++;
        }

        messages.RemoveRange(0, taken);
        _last[sender] = last;
        if (messages.Count == 0)
        {
            _waiting!.Remove(sender);
        }
    }
}
