using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Consumers.Tests.Infrastructure;

/// <summary>
/// Real JWTs for the tests (HS256, signed with a key made per test run) and the JwtBearer set-up the README shows: the
/// token from <c>Authorization: Bearer</c> or, as browsers must send it on a WebSocket, from <c>?access_token=</c>.
/// </summary>
public static class TestJwt
{
    private const string Issuer = "consumers-tests";
    private static readonly SymmetricSecurityKey s_key = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A signed token described as <c>name[;role=r][;room=x][;age=n]</c>: the name (also the subject) and one claim
    /// per pair. <c>bad</c> gives a token signed with another key, which fails authentication.
    /// </summary>
    public static string Issue(string description)
    {
        var parts = description.Split(';');
        var claims = new List<Claim> { new("name", parts[0]), new("sub", parts[0]) };
        foreach (var part in parts.Skip(1))
        {
            var pair = part.Split('=', 2);
            claims.Add(new Claim(pair[0], pair[1]));
        }

        var key = description == "bad" ? new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) : s_key;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>JwtBearer as the default scheme, validating the tokens of <see cref="Issue"/>.</summary>
    public static AuthenticationBuilder AddTestJwtBearer(this IServiceCollection services)
        => services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Issuer,
                IssuerSigningKey = s_key,
                NameClaimType = "name",
                RoleClaimType = "role",
            };
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = c =>
                {
                    if (c.Request.Query["access_token"] is { Count: > 0 } token && c.HttpContext.WebSockets.IsWebSocketRequest)
                    {
                        c.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });
}
