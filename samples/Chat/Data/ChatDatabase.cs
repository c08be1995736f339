using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>Creates the database on first run (presence left by nodes that stopped is <see cref="PresenceSweeper"/>'s).</summary>
public static class ChatDatabase
{
    public static async Task EnsureCreatedAsync(IServiceProvider services, string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
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
    }
}
