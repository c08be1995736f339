using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Consumers.Connections;

namespace Consumers.Hosting;

/// <summary>
/// Puts ASP.NET Core's WebSockets middleware first in the pipeline, so that <c>AddConsumers()</c> is enough, preceded by
/// the wrapper of upgradable requests that lets consumer connections send several frames per write
/// (<see cref="FrameBatchingUpgradeFeature"/>; transparent for other WebSockets of the app).
/// </summary>
internal sealed class WebSocketsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade and not FrameBatchingUpgradeFeature)
            {
                context.Features.Set<IHttpUpgradeFeature>(new FrameBatchingUpgradeFeature(upgrade));
            }

            return next(context);
        });
        app.UseWebSockets();
        next(app);
    };
}
