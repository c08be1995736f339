using Microsoft.AspNetCore.Builder;
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

    public static async Task<IHost> StartAsync(bool testAuthentication = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddConsumers(o =>
        {
            o.MaxMessageSize = MaxMessageSize;
            o.RateLimitPerSecond = 0;
            o.AllowedOrigins.Add(AllowedOrigin);
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
        app.MapConsumers("/ws", streams => streams.Add<KitConsumer>("kit"));
        await app.StartAsync();
        return app;
    }
}
