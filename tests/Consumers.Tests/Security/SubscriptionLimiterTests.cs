using System.Security.Claims;
using Consumers.Security;
using Microsoft.Extensions.Options;

namespace Consumers.Tests.Security;

/// <summary>The per-user subscription count on its own: taken per connection, given back once, never below zero.</summary>
[TestFixture]
public sealed class SubscriptionLimiterTests
{
    private static ClaimsPrincipal User(string name) => new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name)], "test"));

    private static SubscriptionLimiter Limiter(int max) => new(Options.Create(new ConsumerOptions { MaxSubscriptionsPerUser = max }));

    [Test]
    public void ConnectionsOfOneUser_ShareTheLimit_AndDisposeGivesBackWhatTheConnectionHeld()
    {
        var limiter = Limiter(3);
        using var first = limiter.For(User("ann"))!;
        var second = limiter.For(User("ann"))!;
        Assert.Multiple(() =>
        {
            Assert.That(first.TryTake() && first.TryTake() && second.TryTake(), Is.True);
            Assert.That(second.TryTake(), Is.False);
            Assert.That(limiter.For(User("bob"))!.TryTake(), Is.True, "another user");
        });

        second.Dispose();
        second.Dispose();
        second.Return(5);
        Assert.Multiple(() =>
        {
            Assert.That(limiter.CountOf("ann"), Is.EqualTo(2), "disposed once; giving back after that does nothing");
            Assert.That(second.TryTake(), Is.False, "a disposed allowance takes nothing");
        });

        first.Return(10);
        Assert.That(limiter.CountOf("ann"), Is.Zero, "a connection gives back at most what it took");
    }

    [Test]
    public void Anonymous_IsNotCounted_AndZeroMeansNoLimit()
    {
        Assert.That(Limiter(3).For(new ClaimsPrincipal(new ClaimsIdentity())), Is.Null);
        using var unlimited = Limiter(0).For(User("ann"))!;
        Assert.That(Enumerable.Range(0, 10_000).All(_ => unlimited.TryTake()), Is.True);
    }
}
