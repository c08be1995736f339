using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Consumers.Tests.Databases;

/// <summary>The engines the EF Core tests run on.</summary>
public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// A fresh, empty database for one test: a SQLite file in a temporary folder, or a database of its own on the test
/// process's <see cref="PostgresServer"/>. Disposing deletes it (the file's folder, or <c>DROP DATABASE</c>).
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _folder;

    private TestDatabase(DatabaseKind kind, string connectionString, string? folder)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _folder = folder;
    }

    public DatabaseKind Kind { get; }

    /// <summary>The ADO.NET connection string (SQLite's <c>Data Source=</c> or Npgsql's <c>Host=</c>), the chat's <c>ConnectionStrings:Chat</c>.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind, string prefix = "test")
    {
        if (kind == DatabaseKind.PostgreSql)
        {
            var server = await PostgresServer.SharedAsync();
            return new TestDatabase(kind, await server.CreateDatabaseAsync(prefix.Replace('-', '_')), null);
        }

        var folder = Directory.CreateTempSubdirectory($"consumers-{prefix}-").FullName;
        return new TestDatabase(kind, $"Data Source={Path.Combine(folder, "chat.db")}", folder);
    }

    /// <summary>Points EF Core at this database.</summary>
    public DbContextOptionsBuilder Use(DbContextOptionsBuilder options)
        => Kind == DatabaseKind.PostgreSql ? options.UseNpgsql(ConnectionString) : options.UseSqlite(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (Kind == DatabaseKind.PostgreSql)
        {
            await (await PostgresServer.SharedAsync()).DropDatabaseAsync(ConnectionString);
            return;
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder!, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }
}
