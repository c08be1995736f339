using System.Runtime.CompilerServices;

namespace Consumers.Benchmarks.Streaming;

/// <summary>The one <see cref="IAsyncEnumerable{T}"/> that both the consumer's streaming action and the hub's streaming method return.</summary>
public static class ItemSource
{
    /// <summary>
    /// Yields <paramref name="count"/> items numbered from 0, each with the same text of <paramref name="textBytes"/>
    /// ASCII characters. Without <paramref name="yieldEach"/> every item is ready at once (an in-memory source, a
    /// buffered cursor); with it the producer awaits <see cref="Task.Yield"/> before each item, so that none is ready
    /// when the server asks for the next (a producer fed by another thread, token by token).
    /// </summary>
    /// <param name="count">Items to yield (0 or more).</param>
    /// <param name="textBytes">Length of each item's text.</param>
    /// <param name="yieldEach">Whether to await before each item.</param>
    /// <param name="cancellationToken">The call's token, from <c>GetAsyncEnumerator</c>: checked before each item.</param>
    public static async IAsyncEnumerable<StreamItem> Produce(int count, int textBytes, bool yieldEach, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = new string('x', Math.Max(0, textBytes));
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (yieldEach)
            {
                await Task.Yield();
            }

            yield return new StreamItem(i, text);
        }
    }
}
