using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Hosting;

/// <summary>Returned by <c>AddConsumers()</c> to chain further configuration (group layers, ...).</summary>
/// <param name="services">The application's services.</param>
public sealed class ConsumersBuilder(IServiceCollection services)
{
    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; } = services;
}
