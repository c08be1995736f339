using System.Security.Claims;

namespace Consumers.Security;

/// <summary>What a permission check sees: DRF's <c>(request, view)</c> pair for a consumer action.</summary>
public sealed class PermissionContext
{
    internal PermissionContext(Consumer consumer, string action, CancellationToken cancellationToken, ActionArguments? arguments = null)
    {
        Consumer = consumer;
        Action = action;
        CancellationToken = cancellationToken;
        Arguments = arguments ?? ActionArguments.Empty;
    }

    /// <summary>
    /// The action's bound arguments (DCRF's <c>has_permission(scope, consumer, action, **kwargs)</c>, SignalR's
    /// <c>HubInvocationContext.HubMethodArguments</c>), for the permissions of an action (<c>[Permission]</c> on the
    /// method): they run after the arguments are bound. Empty for consumer-level checks before the action is looked up,
    /// at the handshake and for object checks.
    /// </summary>
    public ActionArguments Arguments { get; }

    /// <summary>The consumer the request is for (one per connection and stream).</summary>
    public Consumer Consumer { get; }

    /// <summary>The connection of the consumer.</summary>
    public ConsumerContext Context => Consumer.Context;

    /// <summary>The connection's user, authenticated at the handshake (an anonymous principal when none).</summary>
    public ClaimsPrincipal User => Consumer.Context.User;

    /// <summary>The wire name of the action (<c>"connect"</c> during the handshake).</summary>
    public string Action { get; }

    /// <summary>The connection's DI scope.</summary>
    public IServiceProvider Services => Consumer.Context.Services;

    /// <summary>Cancelled when the connection ends (or the handshake is abandoned).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Whether <see cref="User"/> has an authenticated identity (ASP.NET Core's <c>DenyAnonymousAuthorizationRequirement</c> test).</summary>
    public bool IsAuthenticated => IsAuthenticatedUser(User);

    internal static bool IsAuthenticatedUser(ClaimsPrincipal? user)
        => user?.Identities.Any(static i => i.IsAuthenticated) == true;
}
