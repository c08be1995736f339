using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Consumers.Chat.Tests;

/// <summary>A scripted client of the chat: an account from <c>/api/register</c> or <c>/api/token</c>, and the socket path with its token.</summary>
internal static class ChatAccounts
{
    public const string Password = "correct horse";

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient http, string path, string username, string password = Password)
    {
        var reply = await http.PostAsJsonAsync(path, new JsonObject { ["username"] = username, ["password"] = password });
        return (reply.StatusCode, JsonNode.Parse(await reply.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Registers <paramref name="username"/> and returns its token; fails the test when that is refused.</summary>
    public static async Task<string> RegisterAsync(HttpClient http, string username)
    {
        var (status, body) = await PostAsync(http, "/api/register", username);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    /// <summary>The status of <c>GET /account/me</c> with <paramref name="bearer"/> as a bearer token and/or <paramref name="cookie"/> (<c>name=value</c>) as the cookie.</summary>
    public static async Task<HttpStatusCode> MeAsync(HttpClient http, string? bearer = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return (await http.SendAsync(request)).StatusCode;
    }

    /// <summary>The rooms endpoint with <c>?access_token=</c> (browsers cannot set headers on a WebSocket).</summary>
    public static string SocketPath(string? token)
        => "/ws/rooms" + (token is null ? "" : "?access_token=" + Uri.EscapeDataString(token));
}
