namespace Consumers.Benchmarks;

/// <summary>The order in which a round runs the servers: rotated by one per round, so that drift of the shared machine spreads over all of them.</summary>
internal static class RoundOrder
{
    /// <summary><paramref name="items"/> starting at index <c>round % length</c>, wrapping around.</summary>
    public static T[] Rotate<T>(T[] items, int round) =>
        items.Length == 0 ? [] : [.. items.Skip(round % items.Length), .. items.Take(round % items.Length)];
}
