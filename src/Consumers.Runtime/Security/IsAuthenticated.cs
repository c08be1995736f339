namespace Consumers.Security;

/// <summary>
/// DRF's <c>IsAuthenticated</c>: the connection's user must be authenticated to act (401 otherwise). As a
/// consumer-level permission it also refuses an anonymous handshake with 403 (DCRF checks <c>can_connect</c>).
/// </summary>
public sealed class IsAuthenticated : BasePermission
{
    /// <inheritdoc/>
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context) => ValueTask.FromResult(context.IsAuthenticated);

    /// <inheritdoc/>
    public override ValueTask<bool> CanConnectAsync(PermissionContext context) => ValueTask.FromResult(context.IsAuthenticated);
}
