namespace Consumers.Security;

/// <summary>Allows when every operand allows (DRF's <c>AND</c>), asking them in order and stopping at the first denial.</summary>
/// <param name="operands">The permissions; none means allowed.</param>
public class AndPermission(params IPermission[] operands) : BasePermission
{
    /// <summary>The operands, in the order they are asked.</summary>
    public IReadOnlyList<IPermission> Operands { get; } = operands;

    /// <inheritdoc/>
    public override async ValueTask<bool> HasPermissionAsync(PermissionContext context)
    {
        foreach (var operand in Operands)
        {
            if (!await operand.HasPermissionAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override async ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
    {
        foreach (var operand in Operands)
        {
            if (!await operand.HasObjectPermissionAsync(context, instance).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override async ValueTask<bool> CanConnectAsync(PermissionContext context)
    {
        foreach (var operand in Operands)
        {
            if (!await operand.CanConnectAsync(context).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }
}
