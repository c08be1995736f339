using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>
/// A secret all nodes share, kept in the database on PostgreSQL (with SQLite it is a file in the data folder): the
/// key of the bearer tokens (<c>Chat.Accounts.ChatTokens</c>). The keys of cookies are data protection's, in
/// <see cref="ChatDb.DataProtectionKeys"/>.
/// </summary>
public sealed class ChatSecret
{
    public string Name { get; set; } = "";

    public byte[] Value { get; set; } = [];

    /// <summary>
    /// The secret <paramref name="name"/>, stored as <paramref name="candidate"/> when there is none yet. Nodes starting
    /// together all get the first one stored (the loser of the insert race reads the winner's).
    /// </summary>
    public static byte[] GetOrAdd(ChatDb db, string name, byte[] candidate)
    {
        if (db.Secrets.AsNoTracking().FirstOrDefault(s => s.Name == name) is { } stored)
        {
            return stored.Value;
        }

        db.Secrets.Add(new ChatSecret { Name = name, Value = candidate });
        try
        {
            db.SaveChanges();
            return candidate;
        }
        catch (DbUpdateException ex) when (ex.InnerException is DbException inner && ChatStore.IsUniqueViolation(inner))
        {
            db.ChangeTracker.Clear();
            return db.Secrets.AsNoTracking().First(s => s.Name == name).Value;
        }
    }
}
