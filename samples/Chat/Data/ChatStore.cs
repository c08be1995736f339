using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Data;

/// <summary>The database engine the chat runs on.</summary>
public enum ChatProvider
{
    /// <summary>A SQLite file: one machine, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: nodes on several machines.</summary>
    PostgreSql,
}

/// <summary>
/// Where the chat keeps its data, read from <c>ConnectionStrings:Chat</c>: a SQLite file (<c>Data Source=path</c>,
/// the default <c>data/chat.db</c> in the content root) or a PostgreSQL server (<c>Host=...;Database=...</c>, Npgsql's
/// keywords). With SQLite the file's folder also keeps the keys of cookies and tokens (nodes on one machine share
/// it); with PostgreSQL nodes share nothing but the database, so the keys are kept there.
/// </summary>
public sealed class ChatStore
{
    private ChatStore(ChatProvider provider, string connectionString, string? dataFolder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataFolder = dataFolder;
    }

    public ChatProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file's folder (keys are kept beside it); null on PostgreSQL.</summary>
    public string? DataFolder { get; }

    /// <summary>The store named by <paramref name="connectionString"/>, or the SQLite file <c>data/chat.db</c> under <paramref name="contentRoot"/> when null.</summary>
    /// <exception cref="InvalidOperationException">The connection string names neither a SQLite file nor a PostgreSQL server, or cannot be parsed.</exception>
    public static ChatStore From(string? connectionString, string contentRoot)
    {
        connectionString ??= $"Data Source={Path.Combine(contentRoot, "data", "chat.db")}";
        DbConnectionStringBuilder keys;
        try
        {
            keys = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Chat cannot be read: {ex.Message}", ex);
        }

        if (keys.ContainsKey("Host") || keys.ContainsKey("Server"))
        {
            // Npgsql checks its own keywords (an unknown one throws here, not at the first query).
            try
            {
                _ = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"ConnectionStrings:Chat is not a valid PostgreSQL connection string: {ex.Message}", ex);
            }

            return new ChatStore(ChatProvider.PostgreSql, connectionString, null);
        }

        if (keys.ContainsKey("Data Source") || keys.ContainsKey("DataSource") || keys.ContainsKey("Filename"))
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            return new ChatStore(ChatProvider.Sqlite, connectionString, folder);
        }

        throw new InvalidOperationException(
            "ConnectionStrings:Chat names neither a SQLite file (\"Data Source=data/chat.db\") nor a PostgreSQL server " +
            "(\"Host=127.0.0.1;Port=5432;Database=chat;Username=chat;Password=...\").");
    }

    /// <summary>Points EF Core at this store.</summary>
    public DbContextOptionsBuilder Use(DbContextOptionsBuilder options) => Provider switch
    {
        ChatProvider.PostgreSql => options.UseNpgsql(ConnectionString),
        _ => options.UseSqlite(ConnectionString),
    };

    /// <summary>Whether <paramref name="exception"/> is a unique-index violation (SQLite's constraint error 19, PostgreSQL's 23505).</summary>
    public static bool IsUniqueViolation(DbException exception)
        => exception is SqliteException { SqliteErrorCode: 19 } or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
