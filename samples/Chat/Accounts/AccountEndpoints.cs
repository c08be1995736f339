using System.Text.Json.Serialization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Chat.Accounts;

/// <summary>A name and a password, as the sign-up and sign-in forms and scripted clients send them.</summary>
public sealed record Credentials(string? Username, string? Password);

/// <summary>The answer of the token endpoints (OAuth's field name).</summary>
public sealed record TokenReply([property: JsonPropertyName("access_token")] string AccessToken);

/// <summary>Who is signed in.</summary>
public sealed record AccountReply(string Username);

/// <summary>What went wrong, one message per problem.</summary>
public sealed record ErrorReply(IReadOnlyList<string> Errors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Credentials))]
[JsonSerializable(typeof(TokenReply))]
[JsonSerializable(typeof(AccountReply))]
[JsonSerializable(typeof(ErrorReply))]
public sealed partial class AccountJson : JsonSerializerContext;

/// <summary>
/// Accounts of the chat (ASP.NET Core Identity on the chat's SQLite). The pages sign up and sign in with a cookie
/// (<c>/account/*</c>); scripted clients get a bearer token (<c>/api/register</c>, <c>/api/token</c>) and send it as
/// <c>?access_token=</c> on the WebSocket. The endpoints that hash a password are rate limited per address
/// (<see cref="AccountLimits"/>); failed sign-ins lock a name for one address and slow it down for all
/// (<see cref="SignInGuard"/>), never lock the account; an unknown name costs a password hash like a known one; a
/// logout (<c>/account/logout</c>, <c>/api/logout</c>) revokes every cookie and token of the user (<see cref="ChatSessions"/>).
/// </summary>
public static class AccountEndpoints
{
    public const int MinPasswordLength = 8;

    private const int MaxPasswordLength = 200;

    // A hash of a random password, made once with the application's hasher: what an unknown name is checked against.
    private static readonly IdentityUser Decoy = new("decoy");
    private static string? s_decoyHash;

    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        var hashing = app.MapGroup("").RequireRateLimiting(AccountLimits.Policy);
        hashing.MapPost("/api/register", async (Credentials credentials, UserManager<IdentityUser> users, ChatTokens tokens) =>
        {
            var (user, errors) = await CreateAsync(users, credentials);
            return user is null ? Error(StatusCodes.Status400BadRequest, errors) : Results.Ok(new TokenReply(tokens.Issue(user)));
        });
        hashing.MapPost("/api/token", async (Credentials credentials, HttpContext context, ChatTokens tokens) =>
        {
            var (user, refusal) = await CheckAsync(context, credentials);
            return user is null ? refusal! : Results.Ok(new TokenReply(tokens.Issue(user)));
        });
        hashing.MapPost("/account/register", async (Credentials credentials, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
        {
            var (user, errors) = await CreateAsync(users, credentials);
            if (user is null)
            {
                return Error(StatusCodes.Status400BadRequest, errors);
            }

            await signIn.SignInAsync(user, isPersistent: true);
            return Results.Ok(new AccountReply(user.UserName!));
        });
        hashing.MapPost("/account/login", async (Credentials credentials, HttpContext context, SignInManager<IdentityUser> signIn) =>
        {
            var (user, refusal) = await CheckAsync(context, credentials);
            if (user is null)
            {
                return refusal!;
            }

            await signIn.SignInAsync(user, isPersistent: true);
            return Results.Ok(new AccountReply(user.UserName!));
        });
        app.MapPost("/account/logout", ChatSessions.LogoutAsync);
        app.MapPost("/api/logout", ChatSessions.LogoutAsync);
        app.MapGet("/account/me", (HttpContext context) =>
            context.User.Identity is { IsAuthenticated: true, Name: { } name } ? Results.Ok(new AccountReply(name)) : Results.Unauthorized());
    }
    private static async Task<(IdentityUser? User, List<string> Errors)> CreateAsync(UserManager<IdentityUser> users, Credentials credentials)
    {
        var errors = new List<string>();
        if (ChatNames.TryNormalize(credentials.Username, out var name) is { } nameError)
        {
            errors.Add(nameError);
        }

        if (credentials.Password is not { Length: >= MinPasswordLength and <= MaxPasswordLength })
        {
            errors.Add($"Use a password of {MinPasswordLength}-{MaxPasswordLength} characters.");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var user = new IdentityUser(name);
        var result = await users.CreateAsync(user, credentials.Password!);
        return result.Succeeded
            ? (user, errors)
            : (null, [.. result.Errors.Select(e => e.Code == "DuplicateUserName" ? "This name is taken, or looks like one that is." : e.Description)]);
    }

    /// <summary>
    /// Checks a sign-in: the user, or null and the answer to send (401 for a wrong name or password, 429 when this
    /// address has used up its failures for the name).
    /// </summary>
    private static async Task<(IdentityUser? User, IResult? Refusal)> CheckAsync(HttpContext context, Credentials credentials)
    {
        var services = context.RequestServices;
        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        var guard = services.GetRequiredService<SignInGuard>();
        var key = NameSkeleton.Of((credentials.Username ?? "").Trim());
        var address = ClientAddress.Of(context);
        if (guard.IsLocked(key, address))
        {
            return (null, Error(StatusCodes.Status429TooManyRequests, [$"Too many failed sign-ins for this name from your address: try again in {SignInGuard.LockWindow.TotalMinutes:0} minutes."]));
        }

        await guard.SlowDownAsync(key, context.RequestAborted);
        var password = credentials.Password is { Length: > 0 and <= MaxPasswordLength } given ? given : null;
        var user = password is not null && ChatNames.TryNormalize(credentials.Username, out var name) is null ? await users.FindByNameAsync(name) : null;
        bool succeeded;
        if (user is null)
        {
            // As long as a known name's check: the answer's time does not tell which names exist.
            if (password is not null)
            {
                users.PasswordHasher.VerifyHashedPassword(Decoy, s_decoyHash ??= users.PasswordHasher.HashPassword(Decoy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), password);
            }

            succeeded = false;
        }
        else
        {
            var signIn = services.GetRequiredService<SignInManager<IdentityUser>>();
            succeeded = (await signIn.CheckPasswordSignInAsync(user, password!, lockoutOnFailure: false)).Succeeded;
        }

        if (!succeeded)
        {
            guard.Failed(key, address);
            return (null, WrongCredentials());
        }

        return (user, null);
    }

    private static IResult WrongCredentials() => Error(StatusCodes.Status401Unauthorized, ["Wrong name or password."]);

    private static IResult Error(int status, IReadOnlyList<string> errors)
        => Results.Json(new ErrorReply(errors), AccountJson.Default.ErrorReply, statusCode: status);
}
