using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Consumers.Testing.Nats;

/// <summary>
/// Two hosts of one app (node A and node B) on one real nats-server with JetStream, for cross-node tests: a group
/// message, a model change or a <c>SendToUserAsync</c> on one node must reach a connection on the other. Each node
/// is the factory's app with <c>Consumers:GroupLayer</c> = <c>Nats</c> and <c>Consumers:Nats:Url</c> set to the
/// server, so the app must configure its layer from configuration (<c>AddNatsGroupLayer(builder.Configuration)</c>
/// of the Consumers.Nats package). Connect with the kit's <c>ConnectAsync</c> on <see cref="A"/> and <see cref="B"/>.
/// </summary>
/// <typeparam name="TEntryPoint">The app's entry point (its <c>Program</c>).</typeparam>
public sealed class ConsumerNodes<TEntryPoint> : IAsyncDisposable
    where TEntryPoint : class
{
    private ConsumerNodes(NatsServer nats, WebApplicationFactory<TEntryPoint> a, WebApplicationFactory<TEntryPoint> b)
    {
        Nats = nats;
        A = a;
        B = b;
    }

    /// <summary>The nats-server both nodes use.</summary>
    public NatsServer Nats { get; }

    /// <summary>Node A (started).</summary>
    public WebApplicationFactory<TEntryPoint> A { get; }

    /// <summary>Node B (started).</summary>
    public WebApplicationFactory<TEntryPoint> B { get; }

    /// <summary>Starts a nats-server and two nodes of <paramref name="factory"/>'s app on it.</summary>
    /// <param name="factory">The app's factory; each node is a copy of it (<c>WithWebHostBuilder</c>).</param>
    /// <param name="configure">More settings for both nodes (e.g. a shared database's connection string).</param>
    /// <returns>The started nodes.</returns>
    /// <exception cref="InvalidOperationException">nats-server is not installed (<see cref="NatsServer.NotFoundMessage"/>) or does not start.</exception>
    public static async Task<ConsumerNodes<TEntryPoint>> StartAsync(WebApplicationFactory<TEntryPoint> factory, Action<IWebHostBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var nats = await NatsServer.StartJetStreamAsync().ConfigureAwait(false);
        WebApplicationFactory<TEntryPoint>? a = null;
        try
        {
            a = Node(factory, nats, configure);
            var b = Node(factory, nats, configure);
            try
            {
                // Start both now: a start-up failure (NATS unreachable) surfaces here, not in the first connect.
                _ = a.Server;
                _ = b.Server;
            }
            catch
            {
                await b.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new ConsumerNodes<TEntryPoint>(nats, a, b);
        }
        catch
        {
            if (a is not null)
            {
                await a.DisposeAsync().ConfigureAwait(false);
            }

            await nats.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops both nodes, then the nats-server.</summary>
    /// <returns>A task that completes when all three have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync().ConfigureAwait(false);
        await B.DisposeAsync().ConfigureAwait(false);
        await Nats.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplicationFactory<TEntryPoint> Node(WebApplicationFactory<TEntryPoint> factory, NatsServer nats, Action<IWebHostBuilder>? configure)
        => factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Consumers:GroupLayer", "Nats");
            builder.UseSetting("Consumers:Nats:Url", nats.Url);
            configure?.Invoke(builder);
        });
}
