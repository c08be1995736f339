using System.Globalization;
using Consumers.Benchmarks.Fanout;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Benchmarks.Streaming;

/// <summary>
/// The server process of one stream target (<c>Consumers.Benchmarks stream-server consumers|signalr [parallel]</c>),
/// built as the fan-out servers are (<see cref="FanoutServer.ServeAsync"/>: <c>WebApplication.CreateBuilder(args)</c>,
/// Kestrel, default configuration and logging providers, minimum log level Warning).
/// </summary>
internal static class StreamServer
{
    /// <summary>The program's arguments that start the server of <paramref name="target"/>.</summary>
    /// <param name="target">Consumers (batch) is the Consumers server: only its client differs.</param>
    /// <param name="parallelInvocations">SignalR's <c>MaximumParallelInvocationsPerClient</c>, or null for its default (1).</param>
    public static string[] Arguments(StreamTarget target, int? parallelInvocations) => target == StreamTarget.SignalR
        ? ["stream-server", "signalr", .. parallelInvocations is { } n ? [n.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()]
        : ["stream-server", "consumers"];

    /// <param name="args">The arguments after <c>stream-server</c>: <c>consumers</c>, or <c>signalr</c> and optionally its parallel invocations per client.</param>
    /// <returns>The exit code: 2 for arguments it does not understand.</returns>
    public static Task<int> RunAsync(string[] args)
    {
        int? parallel = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
        switch (args.FirstOrDefault())
        {
            case "consumers":
                return FanoutServer.ServeAsync(
                    args[1..],
                    // The latency runs send requests back to back, far over the per-connection rate limit that protects
                    // interactive servers (100/s by default); SignalR has no such limit. Everything else is the default.
                    builder => builder.Services.AddConsumers(o => o.RateLimitPerSecond = 0),
                    app => app.MapConsumer<StreamConsumer>("/ws"));
            case "signalr":
                return FanoutServer.ServeAsync(
                    args[(parallel is null ? 1 : 2)..],
                    builder => builder.Services
                        .AddSignalR(o =>
                        {
                            if (parallel is { } p)
                            {
                                o.MaximumParallelInvocationsPerClient = p;
                            }
                        })
                        .AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, StreamJson.Default)),
                    app => app.MapHub<StreamHub>("/hub"));
            default:
                Console.Error.WriteLine("usage: Consumers.Benchmarks stream-server consumers|signalr [parallel invocations per client]");
                return Task.FromResult(2);
        }
    }
}
