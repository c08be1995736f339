using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>Creates the database on first run, and clears presence left behind by a node that stopped.</summary>
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

        // WAL lets two nodes on one machine share the file without blocking readers.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }
}
