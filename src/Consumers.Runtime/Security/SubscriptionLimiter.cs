using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Consumers.Security;

/// <summary>
/// Counts the observer and instance subscriptions of each authenticated user over all of that user's connections on
/// this node, and refuses one past <see cref="ConsumerOptions.MaxSubscriptionsPerUser"/>: one account cannot multiply
/// every notification by its connections times <see cref="ConsumerOptions.MaxSubscriptionsPerConsumer"/>. One per
/// application (singleton); each connection takes and gives back through its own <see cref="SubscriptionAllowance"/>.
/// </summary>
/// <remarks>
/// Per node, as <see cref="ConnectionLimiter"/>'s per-user count: a user whose connections are spread over n nodes may
/// hold up to n times the limit (a cluster-wide count would put a round trip to shared state on every subscribe).
/// Anonymous connections have no user to count; the per-consumer limit and the per-address connection limit bound them.
/// </remarks>
internal sealed class SubscriptionLimiter(IOptions<ConsumerOptions> options)
{
    private readonly KeyedCounts _perUser = new();

    /// <summary>The limit per user (zero or less: none).</summary>
    public int Max { get; } = options.Value.MaxSubscriptionsPerUser;

    /// <summary>The subscriptions <paramref name="userId"/> holds on this node.</summary>
    public int CountOf(string userId) => _perUser[userId];

    /// <summary>The allowance of one connection of <paramref name="user"/>, or null for an anonymous user (not counted).</summary>
    public SubscriptionAllowance? For(ClaimsPrincipal user) => UserId.Of(user) is { } id ? new SubscriptionAllowance(this, id) : null;

    internal bool TryTake(string userId) => _perUser.TryIncrement(userId, Max);

    internal void Return(string userId, int count) => _perUser.Decrement(userId, count);
}
