using Consumers.Groups;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Consumers.Hosting;

/// <summary>
/// Resolves the group layer when the host starts, so a layer named in configuration whose package was not registered
/// fails the start with the stand-in's message instead of the first WebSocket that joins a group.
/// </summary>
internal sealed class GroupLayerStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IGroupLayer>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
