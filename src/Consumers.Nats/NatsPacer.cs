using System.Runtime.CompilerServices;
using Consumers.Groups;

namespace Consumers.Nats;

/// <summary>
/// Paces what comes from NATS to the clients that receive it: live messages, the stream's replay after an outage, the
/// live messages held during it, and messages other nodes held in their outboxes (<see cref="NatsInbound.Held"/>).
/// Before such a message goes to local members, it waits while one of them has more than <see cref="Threshold"/> of its
/// queues full (<see cref="IGroupMember.Backlog"/>), so a reading client gets a backlog, or other nodes' senders faster
/// than it reads, as fast as it reads instead of all at once (which would fill its send queue and close it with 1008);
/// the surplus waits in the subscription's NATS buffer. Local sends (members on the sender's node) are not paced.
/// </summary>
/// <remarks>
/// A member over the threshold whose backlog does not shrink for <see cref="StallLimit"/> is not waited for any more
/// (until its backlog is under the threshold again): a client that stopped reading is left to its own send queue's
/// bound, as it would be without a backlog, rather than holding up every other member.
/// </remarks>
internal sealed class NatsPacer(CancellationToken stopping)
{
    /// <summary>The fill (of <see cref="IGroupMember.Backlog"/>) above which a member is waited for.</summary>
    public const double Threshold = 0.5;

    /// <summary>How long a member over the threshold may make no progress before it is no longer waited for.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private static readonly object Marker = new();

    private readonly ConditionalWeakTable<IGroupMember, object> _stalled = new();

    /// <summary>Whether a member of <paramref name="members"/> has no room for more now (and has not stalled).</summary>
    public bool MustWait(IReadOnlyList<IGroupMember> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member.Backlog > Threshold && !_stalled.TryGetValue(member, out _))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Waits until every recipient of <paramref name="message"/> has room (or has stalled); the recipients are looked up anew each time.</summary>
    /// <exception cref="OperationCanceledException">The layer stops.</exception>
    public async Task WaitAsync(Func<NatsInbound, IReadOnlyList<IGroupMember>> recipients, NatsInbound message)
    {
        NatsGroupLayerMetrics.Paced.Add(1);
        Dictionary<IGroupMember, (double Last, long Since)>? watched = null;
        while (true)
        {
            var now = Environment.TickCount64;
            var blocked = false;
            foreach (var member in recipients(message))
            {
                var backlog = member.Backlog;
                if (backlog <= Threshold)
                {
                    _stalled.Remove(member);
                    continue;
                }

                if (_stalled.TryGetValue(member, out _))
                {
                    continue;
                }

                watched ??= new(ReferenceEqualityComparer.Instance);
                if (!watched.TryGetValue(member, out var seen) || backlog < seen.Last)
                {
                    // First seen, or its client took something since the last look: progress.
                    watched[member] = (backlog, now);
                }
                else if (now - seen.Since > (long)StallLimit.TotalMilliseconds)
                {
                    _stalled.AddOrUpdate(member, Marker);
                    continue;
                }
                else
                {
                    watched[member] = (backlog, seen.Since);
                }

                blocked = true;
            }

            if (!blocked)
            {
                return;
            }

            await Task.Delay(Poll, stopping).ConfigureAwait(false);
        }
    }
}
