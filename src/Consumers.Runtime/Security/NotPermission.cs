namespace Consumers.Security;

/// <summary>Allows what its operand denies (DRF's <c>NOT</c>; DCRF's also negates <c>can_connect</c>): requests, objects and connections.</summary>
/// <param name="operand">The permission to negate.</param>
public class NotPermission(IPermission operand) : BasePermission
{
    /// <summary>The negated permission.</summary>
    public IPermission Operand { get; } = operand;

    /// <inheritdoc/>
    public override async ValueTask<bool> HasPermissionAsync(PermissionContext context)
        => !await Operand.HasPermissionAsync(context).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
        => !await Operand.HasObjectPermissionAsync(context, instance).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async ValueTask<bool> CanConnectAsync(PermissionContext context)
        => !await Operand.CanConnectAsync(context).ConfigureAwait(false);
}
