namespace Consumers.Security;

/// <summary>
/// Convenience base of permissions (DRF's <c>BasePermission</c>): everything allowed unless overridden, and the
/// operators <c>&amp;</c>, <c>|</c> and <c>!</c> of DRF's composed permissions (<c>IsStaff | IsOwner</c>).
/// </summary>
/// <remarks>
/// Attributes cannot hold expressions, so a composition used in <see cref="PermissionAttribute"/> is named by a
/// class: <c>public sealed class StaffOrOwner() : OrPermission(new IsStaff(), new IsOwner());</c>.
/// </remarks>
public abstract class BasePermission : IPermission
{
    /// <inheritdoc/>
    public virtual ValueTask<bool> HasPermissionAsync(PermissionContext context) => ValueTask.FromResult(true);

    /// <inheritdoc/>
    public virtual ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance) => ValueTask.FromResult(true);

    /// <inheritdoc/>
    public virtual ValueTask<bool> CanConnectAsync(PermissionContext context) => ValueTask.FromResult(true);

    /// <summary>Both must allow (DRF's <c>&amp;</c>); the right side is not asked when the left denies.</summary>
    /// <param name="left">The first permission.</param>
    /// <param name="right">The second permission.</param>
    /// <returns>The conjunction.</returns>
    public static BasePermission operator &(BasePermission left, BasePermission right) => new AndPermission(left, right);

    /// <summary>Either may allow (DRF's <c>|</c>); the right side is not asked when the left allows.</summary>
    /// <param name="left">The first permission.</param>
    /// <param name="right">The second permission.</param>
    /// <returns>The disjunction.</returns>
    public static BasePermission operator |(BasePermission left, BasePermission right) => new OrPermission(left, right);

    /// <summary>The negation (DRF's <c>~</c>).</summary>
    /// <param name="permission">The permission to negate.</param>
    /// <returns>A permission that allows what <paramref name="permission"/> denies.</returns>
    public static BasePermission operator !(BasePermission permission) => new NotPermission(permission);
}
