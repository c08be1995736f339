using Chat.Data;
using Consumers.Testing.Nats;
using Consumers.Tests.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's presence sweep when nodes race: several sweeps of the same stale presence at once (nodes starting
/// together, or beating at the same moment) all succeed and remove each row once; two nodes started together on a
/// database with stale presence both start.
/// </summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
[NonParallelizable]
public sealed class PresenceSweepTests(DatabaseKind kind)
{
    private const string DeadNode = "dead-node";

    private TestDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabase() => _database = await TestDatabase.CreateAsync(kind, "chat-sweep");

    [TearDown]
    public async Task DeleteDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task SweepsRacingOverTheSameStalePresence_AllSucceed_AndRemoveEachRowOnce()
    {
        await using var services = new ServiceCollection()
            .AddDbContext<ChatDb>(o => _database.Use(o))
            .BuildServiceProvider();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        for (var round = 0; round < 10; round++)
        {
            const int Rooms = 6, UsersPerRoom = 3;
            await SeedStalePresenceAsync($"r{round}-", Rooms, UsersPerRoom);

            var sweepers = Enumerable.Range(0, 4).Select(_ => new PresenceSweeper(scopes, NullLogger<PresenceSweeper>.Instance)).ToArray();
            // On threads of their own, released together: SQLite's calls complete synchronously, so sweeps started on
            // one thread would run one after the other.
            using var go = new ManualResetEventSlim();
            var sweeps = sweepers.Select(s => Task.Run(() =>
            {
                go.Wait();
                return s.SweepAsync(alone: false, CancellationToken.None);
            })).ToArray();
            go.Set();
            var removed = await Task.WhenAll(sweeps);

            Assert.Multiple(async () =>
            {
                Assert.That(removed.Sum(), Is.EqualTo(Rooms * UsersPerRoom), $"round {round}: each stale row removed by exactly one sweep ({string.Join(", ", removed)})");
                Assert.That(await CountAsync(db => db.RoomUsers.CountAsync(u => u.Node == DeadNode)), Is.Zero);
                Assert.That(await CountAsync(db => db.Nodes.CountAsync(n => n.Id == DeadNode)), Is.Zero, "the dead node's heartbeat row too");
            });
        }
    }

    [Test]
    public async Task TwoNodesStartingTogether_OnADatabaseWithStalePresence_BothStart_AndSweepIt()
    {
        // Enough stale rows that the two sweeps overlap (before the fix, one node exited with a
        // DbUpdateConcurrencyException in 2 of 3 runs).
        await SeedStalePresenceAsync("start-", rooms: 400, usersPerRoom: 5);
        await using var nats = await NatsServer.StartAsync();

        var starting = new[] { ChatApp.StartOnAsync(_database.ConnectionString, nats.Url), ChatApp.StartOnAsync(_database.ConnectionString, nats.Url) };
        try
        {
            await Task.WhenAll(starting);
            using var http = new HttpClient();
            foreach (var node in starting.Select(s => s.Result))
            {
                Assert.That(await http.GetStringAsync(new Uri(node.Url + "/healthz")), Is.EqualTo("Healthy"), node.Log);
            }

            Assert.That(await CountAsync(db => db.RoomUsers.CountAsync(u => u.Node == DeadNode)), Is.Zero, "the stale presence is gone");
        }
        finally
        {
            foreach (var node in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await node.Result.DisposeAsync();
            }
        }
    }

    // A database as a node that was killed two hours ago left it: rooms with its users present, its heartbeat old.
    private async Task SeedStalePresenceAsync(string prefix, int rooms, int usersPerRoom)
    {
        await using var db = NewDb();
        await db.Database.EnsureCreatedAsync();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-2);
        db.Nodes.Add(new ChatNode { Id = DeadNode, SeenAt = longAgo });
        for (var r = 0; r < rooms; r++)
        {
            db.Rooms.Add(new Room
            {
                Name = prefix + r,
                Creator = "ann",
                CreatedAt = longAgo,
                UpdatedAt = longAgo,
                Users = [.. Enumerable.Range(0, usersPerRoom).Select(u => new RoomUser { Username = $"user{u}", Channel = $"{DeadNode}.{prefix}{r}.{u}", Node = DeadNode })],
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task<int> CountAsync(Func<ChatDb, Task<int>> count)
    {
        await using var db = NewDb();
        return await count(db);
    }

    private ChatDb NewDb()
    {
        var options = new DbContextOptionsBuilder<ChatDb>();
        _database.Use(options);
        return new(options.Options);
    }
}
