using Consumers.Connections;
using Consumers.Groups;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Consumers.Hosting;

/// <summary>
/// The request delegate of a consumer endpoint: checks the upgrade, creates the consumers in a connection-long
/// DI scope, lets them refuse the handshake (403), accepts the socket and runs the connection.
/// </summary>
internal sealed class ConsumerEndpoint(IReadOnlyList<ConsumerRegistration> registrations, bool multiplexed)
{
    public async Task HandleAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Consumers.Connection");
        if (!httpContext.WebSockets.IsWebSocketRequest)
        {
            ConnectionLog.NotAWebSocketRequest(logger);
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            await httpContext.Response.WriteAsync("This endpoint accepts WebSocket connections only.").ConfigureAwait(false);
            return;
        }

        var options = services.GetRequiredService<IOptions<ConsumerOptions>>().Value;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var connection = new ConsumerConnection(options, logger, services.GetRequiredService<NodeIdentity>().Id);
        using var logScope = logger.BeginScope(new ConnectionLogScope(connection.Id));

        ConsumerSet? consumers = null;
        try
        {
            consumers = ConsumerSet.Create(registrations, multiplexed, connection, httpContext, scope.ServiceProvider);
            foreach (var consumer in consumers.Consumers)
            {
                if (!await consumer.ConnectAsync(httpContext.RequestAborted).ConfigureAwait(false))
                {
                    ConnectionLog.ConnectionRefused(logger, consumer.GetType().Name);
                    await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
                    httpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }
            }

            await consumers.JoinDeclaredGroupsAsync(httpContext.Request.RouteValues, httpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (!httpContext.RequestAborted.IsCancellationRequested)
        {
            ConnectionLog.ConnectFailed(logger, string.Join(", ", registrations.Select(r => r.ConsumerName)), ex);
            if (consumers is not null)
            {
                await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
            }

            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var socket = await httpContext.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
        }).ConfigureAwait(false);
        ConnectionLog.ConnectionAccepted(logger, httpContext.Request.Path);
        await connection.RunAsync(socket, consumers, lifetime.ApplicationStopping).ConfigureAwait(false);
    }
}
