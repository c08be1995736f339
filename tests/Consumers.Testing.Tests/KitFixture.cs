using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>A fixture whose tests share one <see cref="KitHost"/> on a TestServer.</summary>
public abstract class KitFixture
{
    protected IHost Host { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartHost() => Host = await KitHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
