using Consumers.Benchmarks.Fanout;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// One app node of the cluster benchmark (<c>Consumers.Benchmarks cluster-server consumers|signalr BROKER</c>), the
/// fan-out benchmark's server (<see cref="FanoutServer.ServeAsync"/>: <c>WebApplication.CreateBuilder(args)</c>, log
/// level Warning) with the group layer between nodes as each one's README shows it:
/// <c>AddConsumers(...).AddNatsGroupLayer(builder.Configuration)</c> with <c>Consumers:Nats:Url</c> = BROKER (JetStream
/// on, the default), or <c>AddSignalR().AddStackExchangeRedis(BROKER)</c>.
/// </summary>
internal static class ClusterServer
{
    public static Task<int> RunAsync(FanoutTarget target, string broker, string[] args) => FanoutServer.ServeAsync(
        [.. args, "--Consumers:GroupLayer=Nats", $"--Consumers:Nats:Url={broker}"],
        builder =>
        {
            if (target == FanoutTarget.SignalR)
            {
                builder.Services.AddSignalR()
                    .AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, FanoutJson.Default))
                    .AddStackExchangeRedis(broker);
            }
            else
            {
                builder.Services.AddConsumers(o =>
                {
                    o.RateLimitPerSecond = 0;
                    o.MaxConnectionsPerAddress = 0;
                }).AddNatsGroupLayer(builder.Configuration);
            }
        },
        app =>
        {
            if (target == FanoutTarget.SignalR)
            {
                app.MapHub<Fanout.RoomHub>("/hub");
            }
            else
            {
                app.MapConsumer<Fanout.RoomConsumer>("/ws");
            }
        });
}
