using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Consumers.Hosting;

/// <summary>Puts ASP.NET Core's WebSockets middleware first in the pipeline, so that <c>AddConsumers()</c> is enough.</summary>
internal sealed class WebSocketsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWebSockets();
        next(app);
    };
}
