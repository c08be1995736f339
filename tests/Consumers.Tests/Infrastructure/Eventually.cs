namespace Consumers.Tests.Infrastructure;

/// <summary>Waits, bounded in time, for something another thread or process makes true.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its value; fails the test after the timeout.</summary>
    public static async Task<T> WaitForAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The condition was not met within {(timeout ?? DefaultTimeout).TotalSeconds:0} seconds.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after the timeout.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null) => WaitForAsync(condition, static ok => ok, timeout);
}
