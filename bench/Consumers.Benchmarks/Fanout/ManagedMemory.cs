using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// A fan-out server's managed memory, as its <c>GET /bench/memory</c> endpoint reports it: the same endpoint in all
/// three servers (<see cref="HandleAsync"/>), so that it costs them all alike.
/// </summary>
/// <param name="LiveBytes"><see cref="GC.GetTotalMemory(bool)"/> with a forced collection: the bytes of live objects.</param>
/// <param name="HeapSizeBytes">The GC heap's size after that collection (<see cref="GCMemoryInfo.HeapSizeBytes"/>, fragmentation included).</param>
internal sealed record ManagedMemory(long LiveBytes, long HeapSizeBytes)
{
    public const string Path = "/bench/memory";

    /// <summary>
    /// Serves <c>GET /bench/memory</c>: forces full blocking collections until the live size settles
    /// (<c>GC.GetTotalMemory(true)</c>) and answers <c>&lt;live bytes&gt; &lt;heap size bytes&gt;</c> as text. With
    /// <c>?collect=false</c> it collects nothing (a warm-up of the same code path and connection).
    /// </summary>
    public static Task HandleAsync(HttpContext context)
    {
        var collect = context.Request.Query["collect"] != "false";
        var live = GC.GetTotalMemory(forceFullCollection: collect);
        var heap = GC.GetGCMemoryInfo(collect ? GCKind.FullBlocking : GCKind.Any).HeapSizeBytes;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{live} {heap}"));
    }

    /// <summary>Reads <see cref="HandleAsync"/>'s answer.</summary>
    public static ManagedMemory Parse(string text)
    {
        var fields = text.Split(' ');
        return new ManagedMemory(long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
