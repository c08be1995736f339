using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// The server process of one fan-out target (<c>Consumers.Benchmarks fanout-server consumers|signalr|raw</c>), built
/// as an app builds it: <see cref="WebApplication.CreateBuilder(string[])"/> with its default configuration, Kestrel,
/// and logging providers; the one change, made alike for all three, is the minimum log level (Warning). Listens on a free
/// loopback port, prints <c>LISTENING &lt;port&gt; &lt;Environment.ProcessorCount&gt;</c>, then serves until its standard
/// input closes. Every server also maps <c>GET /bench/memory</c> (<see cref="ManagedMemory"/>) and <c>GET /bench/allocations</c>
/// (<see cref="Allocations"/>), the same code for all of them.
/// </summary>
internal static class FanoutServer
{
    public const string ReadyPrefix = "LISTENING ";

    public static Task<int> RunAsync(FanoutTarget target, string[] args) => ServeAsync(
        args,
        builder =>
        {
            switch (target)
            {
                case FanoutTarget.Consumers:
                    // The load's senders are far over the per-connection rate limit that protects interactive servers,
                    // and the idle connections all come from 127.0.0.1; SignalR and the raw broadcaster have neither limit.
                    builder.Services.AddConsumers(o =>
                    {
                        o.RateLimitPerSecond = 0;
                        o.MaxConnectionsPerAddress = 0;
                    });
                    break;
                case FanoutTarget.SignalR:
                    // The benchmark project turns reflection-based JSON off; an app with it on gets the same converters.
                    builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, FanoutJson.Default));
                    break;
                case FanoutTarget.Raw:
                    builder.Services.AddSingleton<RawRooms>();
                    break;
            }
        },
        app =>
        {
            switch (target)
            {
                case FanoutTarget.Consumers:
                    app.MapConsumer<RoomConsumer>("/ws");
                    break;
                case FanoutTarget.SignalR:
                    app.MapHub<RoomHub>("/hub");
                    break;
                case FanoutTarget.Raw:
                    app.UseWebSockets();
                    var rooms = app.Services.GetRequiredService<RawRooms>();
                    app.Map("/raw/{room}", rooms.HandleAsync);
                    break;
            }
        });

    /// <summary>
    /// Builds and runs one benchmark server process: <see cref="WebApplication.CreateBuilder(string[])"/> on a free
    /// loopback port with the minimum log level Warning, <paramref name="configure"/>'s services, <paramref name="map"/>'s
    /// endpoints, <c>GET /bench/memory</c> and <c>GET /bench/allocations</c>; prints <c>LISTENING &lt;port&gt; &lt;Environment.ProcessorCount&gt;</c> and
    /// serves until standard input closes (<see cref="ServerProcess"/> starts and ends it).
    /// </summary>
    public static async Task<int> ServeAsync(string[] args, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure(builder);
        var app = builder.Build();
        map(app);

        // The idle-connection runs read the server's managed memory here; mapped in every server and every run alike.
        app.MapGet(ManagedMemory.Path, (RequestDelegate)ManagedMemory.HandleAsync);
        app.MapGet(Allocations.Path, (RequestDelegate)Allocations.HandleAsync);

        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ReadyPrefix}{address.Port} {Environment.ProcessorCount}"));
        Console.Out.Flush();

        // The load tool ends the server by closing its standard input (or killing it).
        await Task.Run(() => Console.In.ReadToEnd()).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token).ConfigureAwait(false);
        return 0;
    }
}
