using Consumers.Testing.Nats;
using Consumers.Nats.Tests.GroupLayer;
using Microsoft.AspNetCore.Builder;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// App nodes for recovery tests: the NATS layer with JetStream on one nats-server, and one Data Protection key ring in a
/// folder all of them read (as the chat's nodes share theirs), so a resume token of one node is readable on another.
/// </summary>
internal sealed class RecoveryNodes : IAsyncDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("consumers-keys-").FullName;
    private readonly string _store = Directory.CreateTempSubdirectory("consumers-js-").FullName;

    public NatsServer Server { get; private set; } = null!;

    public static async Task<RecoveryNodes> StartAsync()
    {
        var nodes = new RecoveryNodes();
        nodes.Server = await NatsServer.StartJetStreamAsync(nodes._store);

        // The key is made now, before any node reads the folder.
        _ = nodes.Provider().CreateProtector("warm-up").Protect("x"u8.ToArray());
        return nodes;
    }

    private IDataProtectionProvider Provider()
        => DataProtectionProvider.Create(new DirectoryInfo(_keys), b => b.SetApplicationName("consumers-recovery-tests"));

    /// <summary>
    /// A node: <see cref="ChatConsumer"/> at <c>/ws/rooms/{room}</c> (and as the streams <c>a</c> and <c>b</c> of the
    /// multiplexed endpoint <c>/ws/mx/{room}</c>) and the generated JavaScript client at
    /// <c>/consumers/client.js</c>, the NATS layer, the shared key ring.
    /// </summary>
    public Task<TestHost> StartNodeAsync(Action<NatsGroupLayerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var provider = Provider();
        return TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<ChatConsumer>("/ws/rooms/{room}");
                app.MapConsumers("/ws/mx/{room}", s => s.Add<ChatConsumer>("a").Add<ChatConsumer>("b"));
                app.MapConsumersClient();
            },
            o => o.RateLimitPerSecond = 0,
            services: s =>
            {
                s.AddSingleton(provider);
                services?.Invoke(s);
            },
            consumers: c => c.AddNatsGroupLayer(o =>
            {
                o.Urls = [Server.Url];
                configure?.Invoke(o);
            }));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
        Directory.Delete(_store, recursive: true);
    }
}
