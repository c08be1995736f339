using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consumers.Tests.Infrastructure;

namespace Consumers.Chat.Tests;

/// <summary>A scripted client of the chat: an account from <c>/api/register</c> or <c>/api/token</c>, and a socket with its token.</summary>
internal static class ChatAccounts
{
    public const string Password = "correct horse";

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(ChatApp app, string path, string username, string password = Password)
    {
        using var http = new HttpClient();
        var reply = await http.PostAsJsonAsync(app.Url + path, new JsonObject { ["username"] = username, ["password"] = password });
        return (reply.StatusCode, JsonNode.Parse(await reply.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Registers <paramref name="username"/> and returns its token; fails the test when that is refused.</summary>
    public static async Task<string> RegisterAsync(ChatApp app, string username)
    {
        var (status, body) = await PostAsync(app, "/api/register", username);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    public static Uri SocketUri(ChatApp app, string? token)
        => new($"ws://127.0.0.1:{app.Port}/ws/rooms{(token is null ? "" : "?access_token=" + Uri.EscapeDataString(token))}");

    /// <summary>A socket authenticated with <paramref name="token"/>.</summary>
    public static Task<TestClient> ConnectAsync(ChatApp app, string token) => TestClient.ConnectAsync(SocketUri(app, token));
}
