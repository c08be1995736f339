using System.Globalization;
using System.Text.Json;
using Consumers.Testing.Communication;
using Consumers.Testing.Nats;
using Consumers.Tests.Databases;

namespace Consumers.Chat.Tests;

/// <summary>
/// Cross-node recovery on the chat itself: two chat processes on one database and one nats-server with JetStream; a
/// user's resumable socket on node A drops, node A's process is killed, and the user comes back on node B: the session
/// is recovered (a new consumer), the user joins the room again as a client does after <c>recovered</c>, and gets every
/// message posted meanwhile once, in order, then the live ones.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ChatRecoveryTests
{

    [Test]
    public async Task NodeAKilled_AUserBackOnNodeB_IsRecovered_WithEveryMessageOnceInOrder()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "chat-recovery");
        await using var nats = await NatsServer.StartJetStreamAsync();

        // One after the other: node A makes the sign-in key (beside the database), node B reads it.
        var a = await ChatApp.StartOnAsync(database.ConnectionString, nats.Url);
        try
        {
            await using var b = await ChatApp.StartOnAsync(database.ConnectionString, nats.Url);
            using var httpA = a.CreateHttpClient();
            using var httpB = b.CreateHttpClient();
            var rita = await ChatAccounts.RegisterAsync(httpA, "rita");
            await using var onA = await ConsumerCommunicator.ConnectAsync(new Uri($"ws://127.0.0.1:{a.Port}{ChatAccounts.SocketPath(rita)}"), o => o.Resume = true);
            Assert.That(onA.ResumeOutcome, Is.EqualTo("fresh"));
            await using var sam = await b.ConnectAsync(ChatAccounts.SocketPath(await ChatAccounts.RegisterAsync(httpB, "sam")));

            var pk = (await onA.RequestAsync("""{"action": "create", "data": {"name": "recovery"}, "request_id": 1}""")).Data.GetProperty("pk").GetInt32();
            var join = $$$"""{"action": "join_room", "pk": {{{pk}}}, "request_id": "join"}""";
            await onA.RequestAsync(join);

            // Sam's messages on node B reach Rita on node A (once the join has crossed to B), then her socket drops.
            var texts = new List<string>();
            var said = 0;
            async Task SayAsync(int count)
            {
                for (var end = said + count; said < end; said++)
                {
                    await sam.RequestAsync($$$"""{"action": "create_message", "room": {{{pk}}}, "message": "m{{{said}}}", "request_id": {{{said + 10}}}}""");
                }
            }

            await SayAsync(1);
            await ReadUntilAsync(onA, texts, 1, TimeSpan.FromSeconds(10));
            await SayAsync(9);
            await ReadUntilAsync(onA, texts, 10, TimeSpan.FromSeconds(10));
            onA.Drop();
            await SayAsync(20);

            // Node A dies with Rita's session parked on it.
            await a.KillAsync();
            Assert.That(await onA.ResumeAsync(new Uri(b.Url)), Is.EqualTo("recovered"));

            // A new consumer: the client joins again; what it missed comes first, then the live messages.
            await onA.SendAsync(join);
            await ReadUntilAsync(onA, texts, 30, TimeSpan.FromSeconds(20));
            await SayAsync(1);
            await ReadUntilAsync(onA, texts, 31, TimeSpan.FromSeconds(10));
            Assert.That(texts, Is.EqualTo(Enumerable.Range(0, 31).Select(i => "m" + i.ToString(CultureInfo.InvariantCulture))), "every message once, in order: " + string.Join(" ", texts));
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    // Collects the texts of the room's message notifications (replies and other frames skipped) until there are `count`.
    private static async Task ReadUntilAsync(ConsumerCommunicator communicator, List<string> texts, int count, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (texts.Count < count)
        {
            ConsumerEnvelope frame;
            try
            {
                frame = await communicator.ReceiveAsync(within, deadline.Token);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                Assert.Fail($"{texts.Count} of {count} messages within {within.TotalSeconds} s: {string.Join(' ', texts)}");
                return;
            }

            if (frame.Json.TryGetProperty("action", out var action) && action.GetString() == "create"
                && frame.Json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("text", out var text))
            {
                texts.Add(text.GetString()!);
            }
        }
    }
}
