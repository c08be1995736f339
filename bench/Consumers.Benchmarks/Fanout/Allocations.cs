using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// A benchmark server's allocations and collections so far, as its <c>GET /bench/allocations</c> endpoint reports them
/// (the same endpoint in every server): the difference of two readings is what a run allocated and collected.
/// </summary>
/// <param name="AllocatedBytes"><see cref="GC.GetTotalAllocatedBytes(bool)"/> (not precise: up to one allocation context per thread short).</param>
/// <param name="Gen0">Generation-0 collections (<see cref="GC.CollectionCount(int)"/>, which counts the older generations' too).</param>
/// <param name="Gen2">Generation-2 collections.</param>
internal sealed record Allocations(long AllocatedBytes, int Gen0, int Gen2)
{
    public const string Path = "/bench/allocations";

    /// <summary>Serves <c>GET /bench/allocations</c>: <c>&lt;allocated bytes&gt; &lt;gen0 collections&gt; &lt;gen2 collections&gt;</c> as text, forcing nothing.</summary>
    public static Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"{GC.GetTotalAllocatedBytes(precise: false)} {GC.CollectionCount(0)} {GC.CollectionCount(2)}"));
    }

    /// <summary>Reads <see cref="HandleAsync"/>'s answer.</summary>
    public static Allocations Parse(string text)
    {
        var fields = text.Split(' ');
        return new Allocations(
            long.Parse(fields[0], CultureInfo.InvariantCulture),
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    /// <summary>What was allocated and collected from <paramref name="before"/> to this reading.</summary>
    public Allocations Since(Allocations before) => new(AllocatedBytes - before.AllocatedBytes, Gen0 - before.Gen0, Gen2 - before.Gen2);
}
