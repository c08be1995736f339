using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Accounts;

/// <summary>
/// The bearer tokens of scripted clients: HS256 JWTs with the user's id (<c>sub</c>) and name (<c>name</c>), valid for
/// an hour. The key is <c>Chat:TokenKey</c> (base64, at least 32 bytes) or, by default, a random key kept in the data
/// folder, so that every node sharing the folder accepts every node's tokens.
/// </summary>
public sealed class ChatTokens(SymmetricSecurityKey key)
{
    public const string Issuer = "consumers-chat";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public SymmetricSecurityKey Key => key;

    /// <summary>The key from configuration, else from <c>token.key</c> in <paramref name="dataFolder"/> (created on first use).</summary>
    public static ChatTokens Load(IConfiguration configuration, string dataFolder)
    {
        if (configuration["Chat:TokenKey"] is { Length: > 0 } configured)
        {
            return new ChatTokens(new SymmetricSecurityKey(Convert.FromBase64String(configured)));
        }

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

        return new ChatTokens(new SymmetricSecurityKey(bytes));
    }

    /// <summary>A token for the user.</summary>
    public string Issue(string userId, string userName) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Issuer,
        Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("name", userName)]),
        Expires = DateTime.UtcNow.Add(Lifetime),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });

    /// <summary>What JwtBearer checks: this issuer and audience, this key, the lifetime; <c>name</c> is the user name.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = key,
        NameClaimType = "name",
        RoleClaimType = "role",
    };
}
