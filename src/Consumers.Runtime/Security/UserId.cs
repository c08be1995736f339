using System.Security.Claims;

namespace Consumers.Security;

/// <summary>
/// The id of a connection's authenticated user, as ASP.NET Core identifies users (SignalR's default
/// <c>IUserIdProvider</c>): the <see cref="ClaimTypes.NameIdentifier"/> claim, else a JWT's <c>sub</c> claim (JwtBearer
/// keeps it under that name when inbound claim mapping is off, the default of its current handler), else the identity's
/// name. So a user signed in by cookie and the same user with a token are one user.
/// </summary>
internal static class UserId
{
    /// <summary>The user's id, or null for an anonymous or nameless principal.</summary>
    public static string? Of(ClaimsPrincipal user)
        => PermissionContext.IsAuthenticatedUser(user)
            ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity?.Name
            : null;
}
