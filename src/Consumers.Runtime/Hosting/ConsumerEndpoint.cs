using Consumers.Connections;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Consumers.Hosting;

/// <summary>
/// The request delegate of a consumer endpoint: checks the upgrade, its origin, the consumers' authorization and
/// the connection limits, creates the consumers in a connection-long DI scope, lets them refuse the handshake
/// (403), accepts the socket and runs the connection.
/// </summary>
internal sealed class ConsumerEndpoint(IReadOnlyList<ConsumerRegistration> registrations, bool multiplexed)
{
    private OriginValidator? _origins;

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
        _origins ??= services.GetRequiredService<OriginValidator>();
        if (!_origins.IsAllowed(httpContext.Request, out var origin))
        {
            SecurityLog.OriginRefused(logger, LogValue.Truncate(origin));
            Refuse(httpContext, StatusCodes.Status403Forbidden);
            return;
        }

        // The handshake's own deadline: a consumer's slow OnConnectAsync must not hold the request forever.
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        handshake.CancelAfter(options.HandshakeTimeout);
        try
        {
            await HandshakeAsync(httpContext, options, logger, handshake.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (handshake.IsCancellationRequested && !httpContext.RequestAborted.IsCancellationRequested && !httpContext.Response.HasStarted)
        {
            SecurityLog.HandshakeTimedOut(logger, options.HandshakeTimeout);
            Refuse(httpContext, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private async Task HandshakeAsync(HttpContext httpContext, ConsumerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var registration in registrations)
        {
            if (await ConsumerAuthorization.AuthorizeHandshakeAsync(httpContext, registration.Security).ConfigureAwait(false) is not 0 and var status)
            {
                SecurityLog.HandshakeUnauthorized(logger, status, registration.ConsumerName);
                Refuse(httpContext, status);
                return;
            }
        }

        // consumers.resume: a client that comes back with a token takes over its parked session, which holds its place
        // in the connection limits; a token that cannot be used gives a fresh session.
        var resume = options.ResumeWindow > TimeSpan.Zero
            && httpContext.WebSockets.WebSocketRequestedProtocols.Contains(ResumeSession.Subprotocol, StringComparer.Ordinal);
        GroupRecovery? recovery = null;
        if (resume && httpContext.Request.Query.ContainsKey(ResumeSession.TokenParameter))
        {
            (var resumed, recovery) = await ResumeHandshake.TryResumeAsync(httpContext, logger).ConfigureAwait(false);
            if (resumed)
            {
                return;
            }
        }

        // After authorization, so that the per-user limit counts the authenticated user.
        var services = httpContext.RequestServices;
        var limiter = services.GetRequiredService<ConnectionLimiter>();
        if (!limiter.TryAcquire(httpContext, out var lease, out var refusal))
        {
            SecurityLog.ConnectionLimitReached(logger, refusal, limiter.Count);
            Refuse(httpContext, refusal);
            return;
        }

        using (lease)
        {
            await ConnectAsync(httpContext, options, logger, resume, recovery, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectAsync(HttpContext httpContext, ConsumerOptions options, ILogger logger, bool resume, GroupRecovery? recovery, CancellationToken cancellationToken)
    {
        var services = httpContext.RequestServices;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        using var subscriptions = services.GetRequiredService<SubscriptionLimiter>().For(httpContext.User);
        var connection = new ConsumerConnection(options, logger, services.GetRequiredService<NodeIdentity>().Id)
        {
            UserSubscriptions = subscriptions,
            HttpActivity = System.Diagnostics.Activity.Current?.Context ?? default,
        };
        using var logScope = logger.BeginScope(new ConnectionLogScope(connection.Id));
        using var session = resume ? ResumeHandshake.Open(httpContext, connection) : null;
        connection.Recovery = session is null ? null : recovery;

        ConsumerSet? consumers = null;
        try
        {
            consumers = ConsumerSet.Create(registrations, multiplexed, connection, httpContext, scope.ServiceProvider);
            foreach (var channel in consumers.Channels)
            {
                var consumer = channel.Consumer;
                if (!await ConsumerAuthorization.CanConnectAsync(consumer, cancellationToken).ConfigureAwait(false))
                {
                    SecurityLog.HandshakePermissionDenied(logger, consumer.GetType().Name);
                    await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
                    Refuse(httpContext, StatusCodes.Status403Forbidden);
                    return;
                }

                if (!await channel.Hooks.ConnectAsync(consumer, cancellationToken).ConfigureAwait(false))
                {
                    ConnectionLog.ConnectionRefused(logger, consumer.GetType().Name);
                    await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
                    Refuse(httpContext, StatusCodes.Status403Forbidden);
                    return;
                }
            }

            var routeValues = httpContext.Request.RouteValues;
            // Declared groups, and the user's group for an authenticated user (SendToUserAsync).
            var userGroup = Security.UserId.Of(httpContext.User) is { } userId ? GroupName.ForUser(userId) : null;
            await consumers.JoinDeclaredGroupsAsync(
                registration =>
                [
                    .. registration.GroupTemplates.Select(template => GroupTemplate.Format(template, routeValues, registration.ConsumerName)),
                    .. userGroup is null ? [] : new[] { userGroup },
                ],
                cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidGroupValueException ex)
        {
            // The client's route values, not the server, are at fault: say what is wrong, accept no socket.
            SecurityLog.InvalidGroupValue(logger, Diagnostics.LogValue.Truncate(ex.Message));
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            if (consumers is not null)
            {
                await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
            }

            Refuse(httpContext, StatusCodes.Status400BadRequest);
            await httpContext.Response.WriteAsync(ex.Message, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ConnectionLog.ConnectFailed(logger, string.Join(", ", registrations.Select(r => r.ConsumerName)), ex);
            if (consumers is not null)
            {
                await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
            }

            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        catch (OperationCanceledException) when (consumers is not null)
        {
            // Timed out or abandoned: undo what OnConnectAsync joined, then let the caller answer.
            await consumers.LeaveAllGroupsAsync().ConfigureAwait(false);
            throw;
        }

        // Opt-in batching: only a client that offers the subprotocol may get several envelopes in one frame.
        connection.BatchEnvelopes = httpContext.WebSockets.WebSocketRequestedProtocols.Contains(ConsumerConnection.BatchSubprotocol, StringComparer.Ordinal);
        var socket = await httpContext.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = options.KeepAliveInterval,
            SubProtocol = session is not null ? ResumeSession.Subprotocol : connection.BatchEnvelopes ? ConsumerConnection.BatchSubprotocol : null,
        }).ConfigureAwait(false);
        ConnectionLog.ConnectionAccepted(logger, httpContext.Request.Path);
        if (session is null)
        {
            await connection.RunAsync(socket, consumers, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        else
        {
            await connection.RunAsync(socket, consumers, lifetime.ApplicationStopping, session.Answer(connection.Recovery is null ? "fresh" : "recovered", 0), handover => session.Answer("resumed", handover.Seq)).ConfigureAwait(false);
        }
    }

    private static void Refuse(HttpContext httpContext, int status)
    {
        ConsumerMetrics.ConnectionsRefused.Add(1);
        httpContext.Response.StatusCode = status;
    }
}
