using System.Security.Claims;

namespace Consumers.Security;

/// <summary>
/// The id of a connection's authenticated user, as ASP.NET Core identifies users (SignalR's default
/// <c>IUserIdProvider</c>): the <see cref="ClaimTypes.NameIdentifier"/> claim, else the identity's name.
/// </summary>
internal static class UserId
{
    /// <summary>The user's id, or null for an anonymous or nameless principal.</summary>
    public static string? Of(ClaimsPrincipal user)
        => PermissionContext.IsAuthenticatedUser(user) ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name : null;
}
