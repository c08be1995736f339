using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Chat.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Accounts;

/// <summary>
/// The bearer tokens of scripted clients: HS256 JWTs with the user's id (<c>sub</c>), name (<c>name</c>) and a hash of
/// the user's security stamp when the token was issued (<c>sst</c>), valid for an hour with at most
/// <see cref="ClockSkew"/> of tolerance. <see cref="ChatSessions"/> refuses a token whose user is gone or whose stamp
/// changed since (a logout changes it). The key is <c>Chat:TokenKey</c> (base64, at least 32 bytes) or, by default, a
/// random key kept in the data folder (SQLite) or in the database (PostgreSQL), so that every node sharing the folder or
/// the database accepts every node's tokens.
/// </summary>
public sealed class ChatTokens(SymmetricSecurityKey key)
{
    public const string Issuer = "consumers-chat";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>How far apart the clocks of the issuing and the checking node may be (JwtBearer's default is 5 minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>The claim with the hash of the user's security stamp.</summary>
    public const string StampClaim = "sst";

    public SymmetricSecurityKey Key => key;

    /// <summary>
    /// The key from configuration, else from <c>token.key</c> in the SQLite store's data folder, else the database's
    /// secret <c>token.key</c> (created on first use; the database must exist: <see cref="ChatDatabase.EnsureCreatedAsync"/>).
    /// </summary>
    public static ChatTokens Load(IConfiguration configuration, ChatStore store, IServiceProvider services)
    {
        if (configuration["Chat:TokenKey"] is { Length: > 0 } configured)
        {
            return new ChatTokens(new SymmetricSecurityKey(Convert.FromBase64String(configured)));
        }

        if (store.DataFolder is { } dataFolder)
        {
            return new ChatTokens(new SymmetricSecurityKey(FromFile(dataFolder)));
        }

        using var scope = services.CreateScope();
        return new ChatTokens(new SymmetricSecurityKey(ChatSecret.GetOrAdd(scope.ServiceProvider.GetRequiredService<ChatDb>(), "token.key", RandomNumberGenerator.GetBytes(32))));
    }

    private static byte[] FromFile(string dataFolder)
    {
        var file = Path.Combine(dataFolder, "token.key");
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            stream.Write(RandomNumberGenerator.GetBytes(32));
        }
        catch (IOException) when (File.Exists(file))
        {
            // Made by an earlier run, or by another node starting at the same moment.
        }

        byte[] bytes;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((bytes = File.ReadAllBytes(file)).Length < 32 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        return bytes;
    }

    /// <summary>A token for <paramref name="user"/>, issued at <paramref name="issuedAt"/> (UTC; default now).</summary>
    public string Issue(IdentityUser user, DateTime? issuedAt = null)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity([new Claim("sub", user.Id), new Claim("name", user.UserName!), new Claim(StampClaim, StampHash(user.SecurityStamp))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(Lifetime),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// What a token carries of a security stamp: 128 bits of its SHA-256, never the stamp itself (a JWT is readable,
    /// and Identity derives its e-mail and phone codes from the stamp).
    /// </summary>
    public static string StampHash(string? stamp) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(stamp ?? ""))[..16]);

    /// <summary>
    /// What JwtBearer checks: this issuer and audience, this key, the lifetime with <see cref="ClockSkew"/>; <c>name</c>
    /// is the user name. (The user and the stamp are <see cref="ChatSessions.ValidateTokenAsync"/>'s.)
    /// </summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = key,
        NameClaimType = "name",
        RoleClaimType = "role",
        ClockSkew = ClockSkew,
    };
}
