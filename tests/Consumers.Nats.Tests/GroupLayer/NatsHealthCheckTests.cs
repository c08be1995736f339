using Consumers.Testing.Nats;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>The <c>consumers-nats</c> health check follows the connection: Healthy, Degraded while reconnecting, Unhealthy when closed.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsHealthCheckTests
{
    [Test]
    public async Task HealthCheck_IsHealthyConnected_DegradedReconnecting_UnhealthyClosed()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await NatsHosts.StartAsync(server.Url);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var connected = await health.CheckHealthAsync();
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => host.Layer().Connection.ConnectionState == NatsConnectionState.Reconnecting);
        await host.Layer().SendAsync("room:health", new Consumers.Groups.GroupMessage("{}"u8.ToArray()));
        var reconnecting = await health.CheckHealthAsync();
        await host.Layer().DisposeAsync();
        var closed = await health.CheckHealthAsync();

        Assert.Multiple(() =>
        {
            Assert.That(connected.Entries["consumers-nats"].Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(reconnecting.Entries["consumers-nats"].Status, Is.EqualTo(HealthStatus.Degraded));
            Assert.That((long)reconnecting.Entries["consumers-nats"].Data["outbox_bytes"], Is.GreaterThan(0), "the send waits in the outbox");
            Assert.That(closed.Entries["consumers-nats"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        });
    }
}
