using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consumers.Benchmarks;

/// <summary>One app node: Kestrel on a free loopback port serving <see cref="RoomConsumer"/> at <c>/ws/rooms/{room}</c>.</summary>
internal sealed class AppNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppNode(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public IGroupSender GroupSender => _app.Services.GetRequiredService<IGroupSender>();

    public Uri RoomUri(string room) => new($"ws://{BaseUri.Authority}/ws/rooms/{room}");

    /// <param name="setup">Which group layer.</param>
    /// <param name="natsUrl">The server of the NATS group layers.</param>
    public static async Task<AppNode> StartAsync(GroupLayerSetup setup, string? natsUrl, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");

        // Warnings only (send queue full, NATS slow consumer, publish failures): they explain a bad figure, and
        // nothing is logged on the measured path otherwise.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var consumers = builder.Services.AddConsumers();
        if (setup != GroupLayerSetup.InMemory)
        {
            consumers.AddNatsGroupLayer(o =>
            {
                o.Urls = [natsUrl!];
                o.JetStream = setup != GroupLayerSetup.NatsTwoNodesNoJetStream;
            });
        }

        var app = builder.Build();
        app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AppNode(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
