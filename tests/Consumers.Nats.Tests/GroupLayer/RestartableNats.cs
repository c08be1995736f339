using Consumers.Testing.Nats;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>
/// A nats-server with JetStream on a fixed port and file store, which a test stops (kill: clients see EOF, like a
/// crash) and starts again on the same port and store, as an operator restarting it would.
/// </summary>
internal sealed class RestartableNats : IAsyncDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("consumers-js-").FullName;
    private readonly int _port = NatsServer.GetFreePort();
    private NatsServer? _server;

    public string Url => $"nats://127.0.0.1:{_port}";

    public static async Task<RestartableNats> StartAsync()
    {
        var nats = new RestartableNats();
        await nats.StartAgainAsync();
        return nats;
    }

    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.KillAsync();
            await server.DisposeAsync();
        }
    }

    public async Task StartAgainAsync() => _server ??= await NatsServer.StartJetStreamAsync(_store, _port);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_store, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
