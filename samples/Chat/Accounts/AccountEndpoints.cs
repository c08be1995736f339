using System.Text.Json.Serialization;
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
/// <c>?access_token=</c> on the WebSocket. Failed sign-ins count towards Identity's lockout (10 in a row: 5 minutes).
/// </summary>
public static class AccountEndpoints
{
    public const int MinPasswordLength = 8;

    private const int MaxPasswordLength = 200;

    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/register", async (Credentials credentials, UserManager<IdentityUser> users, ChatTokens tokens) =>
        {
            var (user, errors) = await CreateAsync(users, credentials);
            return user is null ? Error(StatusCodes.Status400BadRequest, errors) : Results.Ok(new TokenReply(tokens.Issue(user.Id, user.UserName!)));
        });
        app.MapPost("/api/token", async (Credentials credentials, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, ChatTokens tokens) =>
            await CheckAsync(users, signIn, credentials) is { } user
                ? Results.Ok(new TokenReply(tokens.Issue(user.Id, user.UserName!)))
                : WrongCredentials());
        app.MapPost("/account/register", async (Credentials credentials, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
        {
            var (user, errors) = await CreateAsync(users, credentials);
            if (user is null)
            {
                return Error(StatusCodes.Status400BadRequest, errors);
            }

            await signIn.SignInAsync(user, isPersistent: true);
            return Results.Ok(new AccountReply(user.UserName!));
        });
        app.MapPost("/account/login", async (Credentials credentials, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
        {
            if (await CheckAsync(users, signIn, credentials) is not { } user)
            {
                return WrongCredentials();
            }

            await signIn.SignInAsync(user, isPersistent: true);
            return Results.Ok(new AccountReply(user.UserName!));
        });
        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.NoContent();
        });
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
            : (null, [.. result.Errors.Select(e => e.Code == "DuplicateUserName" ? "This name is taken." : e.Description)]);
    }

    private static async Task<IdentityUser?> CheckAsync(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, Credentials credentials)
    {
        if (ChatNames.TryNormalize(credentials.Username, out var name) is not null ||
            credentials.Password is not { Length: > 0 and <= MaxPasswordLength } password ||
            await users.FindByNameAsync(name) is not { } user)
        {
            return null;
        }

        return (await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true)).Succeeded ? user : null;
    }

    private static IResult WrongCredentials() => Error(StatusCodes.Status401Unauthorized, ["Wrong name or password."]);

    private static IResult Error(int status, IReadOnlyList<string> errors)
        => Results.Json(new ErrorReply(errors), AccountJson.Default.ErrorReply, statusCode: status);
}
