using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;

namespace Chat.Accounts;

/// <summary>
/// Sign-ins that can be taken back. A logout changes the user's security stamp (Identity's, which a password change
/// also changes); every sign-in cookie and bearer token carries the stamp it was made with, and is refused once it no
/// longer matches, or once the user is deleted. Cookies are checked on every request that reaches an endpoint (pages,
/// the account API, the socket handshake: Identity's default would check every 30 minutes), tokens on every request.
/// A socket already open stays open: the handshake is where a connection is authenticated.
/// </summary>
/// <remarks>
/// A logout therefore signs the user out everywhere (every browser and every token): a stamp is per user, not per
/// session. Per-session revocation would need a table of sessions.
/// </remarks>
public static class ChatSessions
{
    /// <summary>The cookie's <c>OnValidatePrincipal</c>: rejects (and removes) a cookie whose user is gone or whose stamp changed.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        // Static files read no user; everything that does is an endpoint (pages, the API, the sockets).
        if (context.HttpContext.GetEndpoint() is null)
        {
            return;
        }

        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInManager<IdentityUser>>();
        if (await signIn.ValidateSecurityStampAsync(context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    /// <summary>JwtBearer's <c>OnTokenValidated</c>: fails a token whose user is gone or whose stamp changed since it was issued.</summary>
    public static async Task ValidateTokenAsync(TokenValidatedContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<IdentityUser>>();
        if (UserIdOf(context.Principal) is not { } id || await users.FindByIdAsync(id) is not { } user)
        {
            context.Fail("The account no longer exists.");
            return;
        }

        var carried = context.Principal?.FindFirst(ChatTokens.StampClaim)?.Value ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(carried), Encoding.UTF8.GetBytes(ChatTokens.StampHash(user.SecurityStamp))))
        {
            context.Fail("The token was revoked (signed out, or the password changed).");
        }
    }

    /// <summary>Signs the caller out everywhere: a new security stamp, and the sign-in cookie removed.</summary>
    public static async Task<IResult> LogoutAsync(HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        if (UserIdOf(context.User) is { } id && await users.FindByIdAsync(id) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return Results.NoContent();
    }

    // A cookie's principal names the user with NameIdentifier, a token's with sub (inbound claim mapping is off).
    private static string? UserIdOf(ClaimsPrincipal? principal)
        => principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal?.FindFirst("sub")?.Value;
}
