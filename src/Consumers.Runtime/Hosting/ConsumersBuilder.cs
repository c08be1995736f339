using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Hosting;

/// <summary>Returned by <c>AddConsumers()</c> to chain further configuration (group layers, ...).</summary>
public sealed class ConsumersBuilder
{
    internal ConsumersBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }
}
