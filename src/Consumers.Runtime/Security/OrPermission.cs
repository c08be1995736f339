namespace Consumers.Security;

/// <summary>Allows when any operand allows (DRF's <c>OR</c>), asking them in order and stopping at the first that allows.</summary>
/// <param name="operands">The permissions; none means denied.</param>
public class OrPermission(params IPermission[] operands) : BasePermission
{
    /// <summary>The operands, in the order they are asked.</summary>
    public IReadOnlyList<IPermission> Operands { get; } = operands;

    /// <inheritdoc/>
    public override async ValueTask<bool> HasPermissionAsync(PermissionContext context)
    {
        foreach (var operand in Operands)
        {
            if (await operand.HasPermissionAsync(context).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As DRF's <c>OR</c> (since 3.14): an operand's object permission counts only when its own
    /// <see cref="IPermission.HasPermissionAsync"/> allowed too, so <c>IsAdmin | IsOwner</c> cannot pass on an
    /// operand that denied the request itself.
    /// </remarks>
    public override async ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
    {
        foreach (var operand in Operands)
        {
            if (await operand.HasPermissionAsync(context).ConfigureAwait(false) &&
                await operand.HasObjectPermissionAsync(context, instance).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override async ValueTask<bool> CanConnectAsync(PermissionContext context)
    {
        foreach (var operand in Operands)
        {
            if (await operand.CanConnectAsync(context).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }
}
