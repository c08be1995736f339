using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Creates the database on first run (presence left by nodes that stopped is <see cref="PresenceSweeper"/>'s), with
/// <c>EnsureCreated</c> on both engines rather than EF Core migrations: the SQLite databases in use were made by
/// <c>EnsureCreated</c> and have no migration history to continue, and two migration sets (one per provider) would
/// have to be kept in step for a sample whose schema changes have been additive. The price: a later schema change is a
/// hand-written step here for each engine (as the SQLite upgrades below are).
/// </summary>
public static class ChatDatabase
{
    // Held while PostgreSQL's tables are created, so nodes starting together create them once (1667785076 is "chat" in ASCII).
    private const string LockSchema = "SELECT pg_advisory_lock(1667785076)";
    private const string UnlockSchema = "SELECT pg_advisory_unlock(1667785076)";

    public static Task EnsureCreatedAsync(IServiceProvider services, ChatStore store) => store.Provider switch
    {
        ChatProvider.PostgreSql => EnsurePostgreSqlAsync(services),
        _ => EnsureSqliteAsync(services, store),
    };

    private static async Task EnsurePostgreSqlAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync())
        {
            try
            {
                await creator.CreateAsync();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another node created it (CREATE DATABASE racing another fails either way).
            }
        }

        await db.Database.OpenConnectionAsync();
        try
        {
            await db.Database.ExecuteSqlRawAsync(LockSchema);
            try
            {
                await db.Database.EnsureCreatedAsync();
                EnsureSigningKey(services);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(UnlockSchema);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // Data protection makes its first key when first asked for one: nodes starting together would each make one (each
    // then refuses the other's cookies until its key ring is refreshed). Made here, under a lock the nodes share (the
    // schema's advisory lock on PostgreSQL, a lock file beside the keys on SQLite), the first node makes it and the
    // others read it.
    private static void EnsureSigningKey(IServiceProvider services)
    {
        var keys = services.GetRequiredService<IKeyManager>();
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime);
        }
    }

    private static async Task EnsureSqliteAsync(IServiceProvider services, ChatStore store)
    {
        var file = new SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
        if (Path.GetDirectoryName(file) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        try
        {
            await db.Database.EnsureCreatedAsync();
        }
        catch (SqliteException)
        {
            // Two nodes starting together: the other one created it.
        }

        // EnsureCreated does not change an existing database: one from before accounts existed cannot be used.
        var tables = db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table' AND name IN ('AspNetUsers', 'Nodes')");
        if (await tables.CountAsync() < 2)
        {
            throw new InvalidOperationException($"The database {file} was made by an older version of the chat (without accounts): delete it, and it is created again.");
        }

        // Rooms remember the address they were created from since the per-address room limit: older databases get the
        // column (two nodes may race to add it; the second finds it there).
        var columns = db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM pragma_table_info('Rooms') WHERE name = 'CreatorAddress'");
        if (await columns.CountAsync() == 0)
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE Rooms ADD COLUMN CreatorAddress TEXT NOT NULL DEFAULT ''");
            }
            catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // Added by the other node.
            }
        }

        await db.Database.ExecuteSqlRawAsync("CREATE INDEX IF NOT EXISTS IX_Rooms_CreatorAddress_CreatedAt ON Rooms (CreatorAddress, CreatedAt)");

        // WAL lets two nodes on one machine share the file without blocking readers.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");

        // The keys live in the data folder beside the file (Program.cs): the first one is made under a lock file there, so
        // that nodes starting together (build/run-chat.sh --nats) share it.
        if (store.DataFolder is { } dataFolder)
        {
            Directory.CreateDirectory(dataFolder);
            using var keysLock = await LockAsync(Path.Combine(dataFolder, "keys.lock"));
            EnsureSigningKey(services);
        }
    }

    // An exclusive lock on a file that other processes wait for (FileShare.None is an advisory lock on Linux), for 30 s
    // at most.
    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
