using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consumers.Testing.Nats;
using Consumers.Tests.Databases;
using Npgsql;

namespace Consumers.Chat.Tests;

/// <summary>
/// Two chat processes on one PostgreSQL database and one nats-server, started together, sharing nothing else: the
/// schema is made once, a cookie or a token made by one node is accepted by the other (data protection's keys and the
/// token key are in the database), and a message posted on one reaches a member on the other.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PostgresNodesTests
{
    [Test]
    public async Task TwoNodesStartedTogether_AcceptEachOthersCookiesAndTokens_FromKeysInTheDatabase()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.PostgreSql, "chat-nodes");
        await using var nats = await NatsServer.StartJetStreamAsync();
        var (a, b) = await ChatApp.StartTogetherAsync(() => ChatApp.StartOnAsync(database.ConnectionString, nats.Url));
        await using (a)
        await using (b)
        {
            using var httpA = a.CreateHttpClient();
            using var httpB = b.CreateHttpClient();

            var token = await ChatAccounts.RegisterAsync(httpA, "pia");
            var login = await httpA.PostAsJsonAsync("/account/login", new JsonObject { ["username"] = "pia", ["password"] = ChatAccounts.Password });
            var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("chat.auth=", StringComparison.Ordinal));

            Assert.Multiple(async () =>
            {
                Assert.That(await ChatAccounts.MeAsync(httpB, bearer: token), Is.EqualTo(HttpStatusCode.OK), "node A's token at node B");
                Assert.That(await ChatAccounts.MeAsync(httpB, cookie: cookie), Is.EqualTo(HttpStatusCode.OK), "node A's cookie at node B");
                Assert.That(await ChatAccounts.MeAsync(httpB, bearer: token + "x"), Is.EqualTo(HttpStatusCode.Unauthorized), "a forged token still fails");
            });

            await using (var connection = new NpgsqlConnection(database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var keys = new NpgsqlCommand("""SELECT (SELECT count(*) FROM "DataProtectionKeys"), (SELECT count(*) FROM "Secrets")""", connection);
                await using var reader = await keys.ExecuteReaderAsync();
                await reader.ReadAsync();
                Assert.Multiple(() =>
                {
                    Assert.That(reader.GetInt64(0), Is.EqualTo(1), "one key ring entry, made by the first node and read by the other");
                    Assert.That(reader.GetInt64(1), Is.EqualTo(1), "one token key");
                });
            }

            // A member on A gets what B saves, through NATS.
            await using var onA = await a.ConnectAsync(ChatAccounts.SocketPath(token));
            await using var onB = await b.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(httpB, "ben")));
            var pk = (await onA.RequestAsync("""{"action": "create", "data": {"name": "pg"}, "request_id": 1}""")).Data.GetProperty("pk").GetInt32();
            await onA.RequestAsync($$$"""{"action": "join_room", "pk": {{{pk}}}, "request_id": "join"}""");
            string? text = null;
            for (var i = 0; text is null && i < 50; i++)
            {
                await onB.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "from B {{{i}}}", "request_id": {{{i + 10}}}}""");
                try
                {
                    text = (await onA.ReceiveAsync(TimeSpan.FromMilliseconds(200))).Data.GetProperty("text").GetString();
                }
                catch (TimeoutException)
                {
                    // The join has not crossed to B yet.
                }
            }

            Assert.That(text, Does.StartWith("from B"));
        }
    }
}
