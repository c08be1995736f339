namespace Consumers.Security;

/// <summary>
/// A permission check of DRF's <c>BasePermission</c> / DCRF's <c>permission_classes</c>: attached to a consumer
/// (every action) or to one action with <see cref="PermissionAttribute"/>.
/// </summary>
/// <remarks>
/// A denied check is answered with 403 <c>["You do not have permission to perform this action."]</c>, or 401
/// <c>["Authentication credentials were not provided."]</c> when the connection's user is not authenticated
/// (DRF's <c>permission_denied</c>); the connection stays open. Implementations may be shared by all connections
/// (see <see cref="PermissionSource"/>), so keep per-request state in the <see cref="PermissionContext"/>.
/// </remarks>
public interface IPermission
{
    /// <summary>
    /// Checked before every action of a consumer that carries this permission (DRF's <c>has_permission</c>).
    /// Consumer-level permissions are checked before the action is looked up, as DCRF does, so an unknown action of a
    /// denied user gets 401/403 rather than 405. An action's own permissions (<c>[Permission]</c> on the method) are
    /// checked once its arguments are bound, and see them in <see cref="PermissionContext.Arguments"/> (a request whose
    /// arguments do not bind, or whose DTOs fail their DataAnnotations, gets its 400 first).
    /// </summary>
    /// <param name="context">The user, consumer and action.</param>
    /// <returns><see langword="true"/> to allow.</returns>
    ValueTask<bool> HasPermissionAsync(PermissionContext context);

    /// <summary>
    /// Checked for one object (DRF's <c>has_object_permission</c>), only after <see cref="HasPermissionAsync"/>
    /// allowed: by user code through <see cref="ConsumerAuthorization.HasObjectPermissionAsync"/>, and by model
    /// observers before a notification about <paramref name="instance"/> reaches a subscriber. Default: allowed.
    /// </summary>
    /// <param name="context">The user, consumer and action.</param>
    /// <param name="instance">
    /// The object acted on or notified about: the model in <c>ModelConsumer</c>'s actions and instance notifications; for a
    /// <c>[ModelObserver]</c> notification, the observer method's result type (<c>TData</c>) read back from the
    /// notification with its source-generated metadata, on whichever node the subscriber lives (the model instance does
    /// not cross nodes).
    /// </param>
    /// <returns><see langword="true"/> to allow.</returns>
    ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance) => ValueTask.FromResult(true);

    /// <summary>
    /// Checked at the handshake for consumer-level permissions (DCRF's <c>can_connect</c>); refusing answers the
    /// upgrade request with 403 and accepts no socket. Default: allowed.
    /// </summary>
    /// <param name="context">The user and consumer; <see cref="PermissionContext.Action"/> is <c>"connect"</c>.</param>
    /// <returns><see langword="true"/> to allow the connection.</returns>
    ValueTask<bool> CanConnectAsync(PermissionContext context) => ValueTask.FromResult(true);
}
