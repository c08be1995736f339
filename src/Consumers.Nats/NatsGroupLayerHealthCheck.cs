using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>
/// The <c>consumers-nats</c> health check: Healthy while the layer's NATS connection is open, Degraded while it
/// connects or reconnects (group messages for other nodes wait in the outbox, see
/// <see cref="NatsGroupLayerOptions.ReconnectBufferSize"/>; members on this node still get them),
/// Unhealthy when it is closed or has given up.
/// </summary>
internal sealed class NatsGroupLayerHealthCheck(NatsGroupLayer layer) : IHealthCheck
{
    public const string Name = "consumers-nats";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = layer.IsDisposed ? NatsConnectionState.Closed : layer.Connection.ConnectionState;
        var data = new Dictionary<string, object>
        {
            ["state"] = state.ToString(),
            ["replay"] = layer.ReplayEnabled,
            ["subscribed_groups"] = layer.SubscribedGroups.Count,
            ["outbox_bytes"] = layer.OutboxBytes,
        };
        return Task.FromResult(state switch
        {
            NatsConnectionState.Open => HealthCheckResult.Healthy("Connected to NATS.", data),
            NatsConnectionState.Connecting or NatsConnectionState.Reconnecting =>
                HealthCheckResult.Degraded("Reconnecting to NATS; group messages for other nodes wait in the outbox meanwhile.", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"The NATS connection is {state}.", data: data),
        });
    }
}
