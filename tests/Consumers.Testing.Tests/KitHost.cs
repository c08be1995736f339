using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Consumers.Testing.Authentication;

namespace Consumers.Testing.Tests;

/// <summary>An app on a <see cref="TestServer"/> (no port): the kit's consumers, an allowed origin, a small message limit.</summary>
internal static class KitHost
{
    public const string AllowedOrigin = "https://chat.example";

    public const int MaxMessageSize = 4096;

    /// <summary>Starts the app on a TestServer, or on Kestrel at a free loopback port (<paramref name="kestrel"/>).</summary>
    public static async Task<IHost> StartAsync(bool testAuthentication = true, bool kestrel = false, Action<ConsumerOptions>? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddConsumers(o =>
        {
            o.MaxMessageSize = MaxMessageSize;
            o.RateLimitPerSecond = 0;
            o.AllowedOrigins.Add(AllowedOrigin);
            options?.Invoke(o);
        });
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<Disconnects>();
        if (testAuthentication)
        {
            builder.Services.AddConsumersTestAuthentication();
        }

        var app = builder.Build();
        app.MapConsumer<KitConsumer>("/ws/kit");
        app.MapConsumer<SecuredConsumer>("/ws/secured");
        app.MapConsumer<SlowConsumer>("/ws/slow");
        app.MapConsumer<PlainNamesConsumer>("/ws/plain-names");
        app.MapConsumers("/ws", streams => streams.Add<KitConsumer>("kit"));
        app.MapConsumer<KitStreamConsumer>("/ws/kit-stream");
        app.MapConsumers("/ws/multiplexed-stream", streams => streams.Add<KitStreamConsumer>("calls"));
        await app.StartAsync();
        return app;
    }

    /// <summary>The <c>ws://</c> address of <paramref name="path"/> on a Kestrel host.</summary>
    public static Uri SocketUri(IHost host, string path)
    {
        var address = host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        return new Uri($"ws://{new Uri(address).Authority}{path}");
    }
}
