using System.Threading.RateLimiting;

namespace Chat.Accounts;

/// <summary>
/// What failed sign-ins cost, built so that a stranger cannot lock the owner out (the hard lock per account that
/// Identity's lockout is: 10 wrong passwords from anyone, and the owner's right one got 401 for 5 minutes).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Per name and address: <see cref="FailuresPerNameAndAddress"/> failures within <see cref="LockWindow"/> lock
/// that name for that address only (429), so a guesser stops while the owner, from any other address, is untouched.</item>
/// <item>Per name, from every address: past <see cref="FailuresPerName"/> failures within <see cref="NameWindow"/>,
/// each sign-in for the name waits <see cref="SlowDown"/> before its password is checked. A slow-down rather than a
/// lock: it costs a distributed guesser (many addresses, each under its own lock) time on every guess, and the owner
/// a couple of seconds, but never the account. Guesses sent in parallel are bounded by the per-address limits
/// (<see cref="AccountLimits"/>) times the guesser's addresses.</item>
/// </list>
/// Names are counted by their skeleton (look-alikes count together), failures whether or not the name exists (so the
/// answers say nothing about existence). Counts live in this node's memory (System.Threading.RateLimiting's sliding
/// windows, whose idle partitions are dropped): n nodes allow n times as many guesses; a restart forgets them.
/// </remarks>
public sealed class SignInGuard : IDisposable
{
    public const int FailuresPerNameAndAddress = 10;
    public const int FailuresPerName = 10;
    public static readonly TimeSpan LockWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan NameWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan SlowDown = TimeSpan.FromSeconds(2);

    private readonly PartitionedRateLimiter<string> _perNameAndAddress = Failures(FailuresPerNameAndAddress, LockWindow);
    private readonly PartitionedRateLimiter<string> _perName = Failures(FailuresPerName, NameWindow);

    /// <summary>Whether <paramref name="address"/> has used up its failures for <paramref name="name"/> (a skeleton).</summary>
    public bool IsLocked(string name, string? address) => Exhausted(_perNameAndAddress, Pair(name, address));

    /// <summary>Waits <see cref="SlowDown"/> when <paramref name="name"/> has had too many failures from anywhere.</summary>
    public Task SlowDownAsync(string name, CancellationToken cancellationToken)
        => Exhausted(_perName, name) ? Task.Delay(SlowDown, cancellationToken) : Task.CompletedTask;

    /// <summary>Counts a failed sign-in for <paramref name="name"/> from <paramref name="address"/>.</summary>
    public void Failed(string name, string? address)
    {
        _perNameAndAddress.AttemptAcquire(Pair(name, address)).Dispose();
        _perName.AttemptAcquire(name).Dispose();
    }

    public void Dispose()
    {
        _perNameAndAddress.Dispose();
        _perName.Dispose();
    }

    private static string Pair(string name, string? address) => (address ?? "-") + " " + name;

    private static bool Exhausted(PartitionedRateLimiter<string> limiter, string key) => limiter.GetStatistics(key)?.CurrentAvailablePermits is 0;

    private static PartitionedRateLimiter<string> Failures(int permits, TimeSpan window)
        => PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = 5,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
