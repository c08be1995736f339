using System.ComponentModel;
using Microsoft.AspNetCore.Authorization;

namespace Consumers.Security;

/// <summary>
/// The <c>[Authorize]</c>, <c>[AllowAnonymous]</c> and <c>[Permission]</c> attributes of a consumer class or of
/// one action, read by the Consumers source generator at compile time and emitted as data, so the runtime needs
/// no reflection to find them.
/// </summary>
/// <remarks>
/// Class level: checked at the handshake (401 when the policy challenges, 403 when it forbids or a permission's
/// <see cref="IPermission.CanConnectAsync"/> refuses; no socket is accepted); the class's permissions are also
/// checked before every action. Action level: checked before each call of that action, with the connection's
/// user (401/403 envelope; the connection stays open). The user is fixed at the handshake: an action's
/// <c>AuthenticationSchemes</c> are combined into its policy but not re-run per message.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SecurityRequirements
{
    /// <summary>No attributes: everyone may connect and act.</summary>
    internal static SecurityRequirements None { get; } = new([], false, []);

    /// <summary>Creates the requirements (called by generated code).</summary>
    /// <param name="authorize">The <c>[Authorize]</c> attributes, all of which must pass (ASP.NET Core's <c>AuthorizationPolicy.CombineAsync</c>).</param>
    /// <param name="allowAnonymous">Whether <c>[AllowAnonymous]</c> is present: the <paramref name="authorize"/> data is then ignored, as in MVC.</param>
    /// <param name="permissions">The permissions, all of which must allow.</param>
    public SecurityRequirements(IAuthorizeData[] authorize, bool allowAnonymous, PermissionSource[] permissions)
    {
        ArgumentNullException.ThrowIfNull(authorize);
        ArgumentNullException.ThrowIfNull(permissions);
        Authorize = authorize;
        AllowAnonymous = allowAnonymous;
        Permissions = permissions;
    }

    /// <summary>The <c>[Authorize]</c> data (policy, roles, schemes).</summary>
    internal IReadOnlyList<IAuthorizeData> Authorize { get; }

    /// <summary>Whether <c>[AllowAnonymous]</c> cancels <see cref="Authorize"/>.</summary>
    internal bool AllowAnonymous { get; }

    /// <summary>Where the permissions come from.</summary>
    internal IReadOnlyList<PermissionSource> Permissions { get; }

    /// <summary>Whether an authorization policy must be evaluated.</summary>
    internal bool RequiresPolicy => !AllowAnonymous && Authorize.Count > 0;
}
