using System.Runtime.CompilerServices;

namespace Consumers.Testing.Tests;

/// <summary>Streams and a concurrent action, for the kit's <c>ReceiveStreamAsync</c> and <c>CancelAsync</c>.</summary>
[JsonContext(typeof(KitJson))]
public sealed partial class KitStreamConsumer : Consumer
{
    /// <summary>Ticks 1 to <paramref name="count"/>; throws at <paramref name="failAt"/> when it is reached.</summary>
    [Action]
    public async IAsyncEnumerable<Tick> Ticks(int count, int failAt = 0)
    {
        for (var i = 1; i <= count; i++)
        {
            if (i == failAt)
            {
                throw new InvalidOperationException("failed mid-stream");
            }

            await Task.Yield();
            yield return new Tick(i);
        }
    }

    /// <summary>Counts until cancelled.</summary>
    [Action]
    public async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; ; i++)
        {
            await Task.Delay(5, cancellationToken);
            yield return i;
        }
    }

    /// <summary>Waits until cancelled.</summary>
    [Action(Concurrent = true)]
    public async Task<int> Wait(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    [Action]
    public int Ping() => 1;
}
