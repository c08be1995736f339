using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Consumers.Tests.Infrastructure;

/// <summary>
/// A bearer scheme for tests, standing in for JwtBearer (whose package does not restore here): the token is
/// <c>name[;role=r][;room=x][;age=n]</c>, read from <c>Authorization: Bearer</c> or, as browsers must send it on a
/// WebSocket, from the <c>access_token</c> query parameter. <c>bad</c> fails authentication.
/// </summary>
public sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = Request.Query["access_token"];
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(token) && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..];
        }

        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (token == "bad")
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid token."));
        }

        var parts = token.Split(';');
        var claims = new List<Claim> { new(ClaimTypes.Name, parts[0]), new(ClaimTypes.NameIdentifier, parts[0]) };
        foreach (var part in parts.Skip(1))
        {
            var pair = part.Split('=', 2);
            claims.Add(new Claim(pair[0] == "role" ? ClaimTypes.Role : pair[0], pair[1]));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
