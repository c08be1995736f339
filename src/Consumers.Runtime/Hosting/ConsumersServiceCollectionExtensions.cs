using Consumers;
using Consumers.Groups;
using Consumers.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Consumers runtime.</summary>
public static class ConsumersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Consumers runtime: connection options, ASP.NET Core's WebSockets middleware (added at the start
    /// of the pipeline, so the app need not call <c>UseWebSockets()</c>), the in-memory group layer (unless another
    /// <see cref="IGroupLayer"/> is registered) and <see cref="IGroupSender"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Optional changes to the <see cref="ConsumerOptions"/> defaults.</param>
    /// <returns>A builder for further Consumers configuration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">At first use, when an option is out of range.</exception>
    public static ConsumersBuilder AddConsumers(this IServiceCollection services, Action<ConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ConsumerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(static o => o.Validate());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, WebSocketsStartupFilter>());
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<LocalGroups>();
        services.TryAddSingleton<IGroupLayer, InMemoryGroupLayer>();
        services.TryAddSingleton<IGroupSender, GroupSender>();
        return new ConsumersBuilder(services);
    }
}
