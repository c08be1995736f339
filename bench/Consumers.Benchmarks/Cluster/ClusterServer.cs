using Consumers.Benchmarks.Fanout;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Benchmarks.Cluster;

/// <summary>
/// One app node of the cluster benchmark (<c>Consumers.Benchmarks cluster-server consumers|signalr BROKER</c>), the
/// fan-out benchmark's server (<see cref="FanoutServer.ServeAsync"/>: <c>WebApplication.CreateBuilder(args)</c>, log
/// level Warning) with the group layer between nodes as each one's README shows it:
/// <c>AddConsumers(...).AddNatsGroupLayer(builder.Configuration)</c> with <c>Consumers:Nats:Url</c> = BROKER (JetStream
/// on, the default), or <c>AddSignalR().AddStackExchangeRedis(BROKER)</c>, or the floor: the raw broadcaster relaying
/// through core NATS at BROKER (<see cref="RawRelay"/>).
/// </summary>
internal static class ClusterServer
{
    public static Task<int> RunAsync(FanoutTarget target, string broker, string[] args) => FanoutServer.ServeAsync(
        [.. args, "--Consumers:GroupLayer=Nats", $"--Consumers:Nats:Url={broker}"],
        builder =>
        {
            if (target == FanoutTarget.Raw)
            {
                builder.Services.AddSingleton(new RawRelay(broker));
                builder.Services.AddHostedService(s => s.GetRequiredService<RawRelay>());
            }
            else if (target == FanoutTarget.SignalR)
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
            if (target == FanoutTarget.Raw)
            {
                app.UseWebSockets();
                app.Map("/raw/{room}", app.Services.GetRequiredService<RawRelay>().Rooms.HandleAsync);
            }
            else if (target == FanoutTarget.SignalR)
            {
                app.MapHub<Fanout.RoomHub>("/hub");
            }
            else
            {
                app.MapConsumer<Fanout.RoomConsumer>("/ws");
            }
        });
}
