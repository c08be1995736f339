using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Hosting;

/// <summary>The application's service registrations, kept by <c>AddConsumers</c> for start-up checks (complete once the host is built).</summary>
internal sealed class RegisteredServices(IServiceCollection services)
{
    public IEnumerable<ServiceDescriptor> Services => services;
}
