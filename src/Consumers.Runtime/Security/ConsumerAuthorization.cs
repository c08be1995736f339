using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Security;

/// <summary>
/// Evaluates the generated <see cref="SecurityRequirements"/> of consumers and actions with ASP.NET Core's
/// authorization services and the connection's user, and lets other code (model observers, user code) ask the
/// same permissions about a consumer.
/// </summary>
public static class ConsumerAuthorization
{
    /// <summary>
    /// Whether the consumer-level permissions (<see cref="PermissionAttribute"/> on the consumer class) allow its
    /// user to perform <paramref name="action"/> (DRF's <c>has_permission</c>).
    /// </summary>
    /// <param name="consumer">A connected consumer.</param>
    /// <param name="action">The action name the check is for, as permissions see it in <see cref="PermissionContext.Action"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> when every permission allows.</returns>
    /// <exception cref="InvalidOperationException">The consumer is not connected, or a DI-resolved permission is not registered.</exception>
    public static async ValueTask<bool> HasPermissionAsync(Consumer consumer, string action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(action);
        var context = new PermissionContext(consumer, action, cancellationToken);
        return await HasPermissionsAsync(consumer.Context.Security.Permissions, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the consumer-level permissions allow its user to see or act on <paramref name="instance"/>: each
    /// permission's <see cref="IPermission.HasPermissionAsync"/> and then its
    /// <see cref="IPermission.HasObjectPermissionAsync"/> (DRF's <c>check_object_permissions</c>).
    /// </summary>
    /// <remarks>
    /// Model observers call this for each subscriber before a notification about <paramref name="instance"/> is
    /// queued to it, with the subscribing action's name (e.g. <c>"subscribe_instance"</c>); a subscriber that is
    /// denied is skipped silently (no envelope), as DCRF's observers only notify groups the consumer may join.
    /// Action-level permissions were checked when the subscribing action ran.
    /// </remarks>
    /// <param name="consumer">A connected consumer.</param>
    /// <param name="action">The action name the check is for.</param>
    /// <param name="instance">The object.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> when every permission allows.</returns>
    /// <exception cref="InvalidOperationException">The consumer is not connected, or a DI-resolved permission is not registered.</exception>
    public static async ValueTask<bool> HasObjectPermissionAsync(Consumer consumer, string action, object instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(instance);
        var context = new PermissionContext(consumer, action, cancellationToken);
        foreach (var source in consumer.Context.Security.Permissions)
        {
            var permission = source.Resolve(context.Services);
            if (!await permission.HasPermissionAsync(context).ConfigureAwait(false) ||
                !await permission.HasObjectPermissionAsync(context, instance).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The class-level policy check of the handshake, as ASP.NET Core's authorization middleware does it:
    /// 0 when allowed, 401 when the policy challenges (no authenticated user), 403 when it forbids.
    /// </summary>
    internal static async ValueTask<int> AuthorizeHandshakeAsync(HttpContext httpContext, SecurityRequirements requirements)
    {
        if (!requirements.RequiresPolicy)
        {
            return 0;
        }

        var services = httpContext.RequestServices;
        var policy = await CombineAsync(services, requirements).ConfigureAwait(false);
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, httpContext).ConfigureAwait(false);
        var result = await evaluator.AuthorizeAsync(policy, authentication, httpContext, httpContext).ConfigureAwait(false);
        return result.Succeeded ? 0 : result.Challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
    }

    /// <summary>The consumer-level <see cref="IPermission.CanConnectAsync"/> checks of the handshake.</summary>
    internal static async ValueTask<bool> CanConnectAsync(Consumer consumer, CancellationToken cancellationToken)
    {
        var permissions = consumer.Context.Security.Permissions;
        if (permissions.Count == 0)
        {
            return true;
        }

        var context = new PermissionContext(consumer, "connect", cancellationToken);
        foreach (var source in permissions)
        {
            if (!await source.Resolve(context.Services).CanConnectAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The checks before an action runs, once its arguments are bound: the policy of <paramref name="requirements"/>, then its permissions.
    /// 0 when allowed, else 401 (no authenticated user) or 403.
    /// </summary>
    internal static async ValueTask<int> AuthorizeActionAsync(Consumer consumer, SecurityRequirements requirements, string action, ActionArguments arguments, CancellationToken cancellationToken)
    {
        var context = new PermissionContext(consumer, action, cancellationToken, arguments);
        if (requirements.RequiresPolicy)
        {
            var policy = await CombineAsync(context.Services, requirements).ConfigureAwait(false);
            var authorization = context.Services.GetRequiredService<IAuthorizationService>();

            // The resource is the PermissionContext (user, consumer, action), as SignalR passes its HubInvocationContext.
            var result = await authorization.AuthorizeAsync(context.User, context, policy).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return Denied(context);
            }
        }

        return await HasPermissionsAsync(requirements.Permissions, context).ConfigureAwait(false) ? 0 : Denied(context);
    }

    /// <summary>
    /// The consumer-level permissions before an action is looked up (DCRF's <c>check_permissions</c> in
    /// <c>handle_action</c>): 0 when allowed, else 401 or 403. The class's policy was checked at the handshake.
    /// </summary>
    internal static async ValueTask<int> AuthorizeConsumerActionAsync(Consumer consumer, string action, CancellationToken cancellationToken)
    {
        var context = new PermissionContext(consumer, action, cancellationToken);
        return await HasPermissionsAsync(consumer.Context.Security.Permissions, context).ConfigureAwait(false) ? 0 : Denied(context);
    }

    private static int Denied(PermissionContext context)
        => context.IsAuthenticated ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;

    private static async ValueTask<bool> HasPermissionsAsync(IReadOnlyList<PermissionSource> permissions, PermissionContext context)
    {
        foreach (var source in permissions)
        {
            if (!await source.Resolve(context.Services).HasPermissionAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private static async ValueTask<AuthorizationPolicy> CombineAsync(IServiceProvider services, SecurityRequirements requirements)
    {
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        return await AuthorizationPolicy.CombineAsync(provider, requirements.Authorize).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The [Authorize] data combined to no policy.");
    }
}
