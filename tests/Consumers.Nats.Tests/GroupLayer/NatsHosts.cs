using Consumers.Nats;
using Microsoft.AspNetCore.Builder;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>App hosts with the NATS group layer serving <see cref="ChatConsumer"/> at <c>/ws/rooms/{room}</c>, and probes across them.</summary>
internal static class NatsHosts
{
    public static Task<TestHost> StartAsync(string url, Action<NatsGroupLayerOptions>? configure = null, Action<IServiceCollection>? services = null, Action<ConsumerOptions>? options = null)
        => TestHost.StartAsync(
            app => app.MapConsumer<ChatConsumer>("/ws/rooms/{room}"),
            configure: options,
            services: services,
            consumers: c => c.AddNatsGroupLayer(o =>
            {
                o.Urls = [url];
                configure?.Invoke(o);
            }));

    public static NatsGroupLayer Layer(this TestHost host) => host.Services.GetRequiredService<NatsGroupLayer>();

    /// <summary>Sends "probe N" from <paramref name="sender"/> every 100 ms until <paramref name="receiver"/> gets one (bounded at 15 s).</summary>
    public static async Task<string> ProbeUntilReceivedAsync(TestClient sender, TestClient receiver)
    {
        // One long receive (a timed-out receive would abort the socket), probes every 100 ms until it completes.
        var received = receiver.ReceiveAsync(TimeSpan.FromSeconds(15));
        for (var i = 0; !received.IsCompleted && i < 150; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "probe {{i}}", "exclude_self": true}""");
            await Task.WhenAny(received, Task.Delay(100));
        }

        return (await received)["text"]!.GetValue<string>();
    }
}
