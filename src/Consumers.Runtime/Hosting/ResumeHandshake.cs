using System.Globalization;
using Consumers.Connections;
using Consumers.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consumers.Hosting;

/// <summary>
/// The handshake's part of the <c>consumers.resume</c> subprotocol: opens a resumable session for a new connection, and
/// hands the socket of a client that came back with a token to its session on this node (docs/protocol.md,
/// "Resumable connections"). A token that cannot be used is logged and the client gets a fresh session.
/// </summary>
internal static class ResumeHandshake
{
    /// <summary>
    /// Resumes the session the request's token names when it can: accepts the socket, hands it to the session, and
    /// returns once the session no longer uses it. False (logged) when the token cannot be used: the caller opens a
    /// fresh session.
    /// </summary>
    /// <returns>
    /// Whether the session was resumed here; when not, the recovery of the session from the group layer's store when the
    /// session is not on this node and can be recovered (docs/protocol.md, "Recovery on another node"), else null.
    /// </returns>
    public static async Task<(bool Resumed, GroupRecovery? Recovery)> TryResumeAsync(HttpContext httpContext, ILogger logger)
    {
        var services = httpContext.RequestServices;
        var query = httpContext.Request.Query;
        var userId = UserId.Of(httpContext.User);
        if (!long.TryParse(query[ResumeSession.SeqParameter].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return (Refuse(logger, ResumeSession.SeqParameter + " is missing or not a number"), null);
        }

        if (!services.GetRequiredService<ResumeTokens>().TryRead(query[ResumeSession.TokenParameter].ToString(), out var sessionId, out var generation, out var tokenUser))
        {
            return (Refuse(logger, "the token is not readable"), null);
        }

        if (!string.Equals(tokenUser, userId, StringComparison.Ordinal))
        {
            return (Refuse(logger, "the token belongs to another user"), null);
        }

        var session = services.GetRequiredService<ResumeSessions>().Find(sessionId);
        if (session is null || !string.Equals(session.UserId, userId, StringComparison.Ordinal))
        {
            // Not here (its node is gone, or the client came back elsewhere): recovered when the client says what it saw
            // and the group layer kept what it missed.
            return (Refuse(logger, "no such session on this node"), GroupRecovery.TryCreate(httpContext.Request.Query, services.GetService<Groups.IGroupLayer>(), sessionId, logger));
        }

        if (session.TryClaim(generation, seq) is { } refusal)
        {
            return (Refuse(logger, refusal), null);
        }

        var upgrade = httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() as FrameBatchingUpgradeFeature;
        System.Net.WebSockets.WebSocket socket;
        try
        {
            socket = await httpContext.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsumerOptions>>().Value.KeepAliveInterval,
                SubProtocol = ResumeSession.Subprotocol,
            }).ConfigureAwait(false);
        }
        catch
        {
            session.HandOver(null);
            throw;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.HandOver(new ResumeHandover(socket, upgrade?.Stream, seq, done));
        await done.Task.ConfigureAwait(false);
        return (true, null);
    }

    /// <summary>Makes a new connection resumable and registers its session on this node until it is disposed.</summary>
    public static Registration Open(HttpContext httpContext, ConsumerConnection connection)
    {
        var services = httpContext.RequestServices;
        var userId = UserId.Of(httpContext.User);
        var session = connection.EnableResume(userId);
        var sessions = services.GetRequiredService<ResumeSessions>();
        sessions.Add(session);
        return new Registration(session, sessions, services.GetRequiredService<ResumeTokens>());
    }

    private static bool Refuse(ILogger logger, string reason)
    {
        ResumeLog.ResumeRefused(logger, reason);
        return false;
    }

    /// <summary>A session registered on this node; its <c>$resume</c> frames carry its newest token.</summary>
    internal sealed class Registration(ResumeSession session, ResumeSessions sessions, ResumeTokens tokens) : IDisposable
    {
        /// <summary>The <c>$resume</c> frame of the session's next socket.</summary>
        public byte[] Answer(string outcome, long seq)
            => session.Answer(outcome, tokens.Issue(session.Id, session.Generation, session.UserId), seq);

        public void Dispose()
        {
            sessions.Remove(session);
            session.End();
        }
    }
}
