using System.Data.Common;
using Chat.Data;
using Microsoft.EntityFrameworkCore;

namespace Chat.Accounts;

/// <summary>
/// Brings the stored normalized names of a database from before <see cref="ChatLookupNormalizer"/> (Identity's
/// upper-cased names) to skeletons, so that those users can still sign in. Idempotent, and safe when two nodes run it
/// together (each row is set to the same value by a plain UPDATE). Two old names with one skeleton cannot both have it
/// (the unique index): the second keeps its old value, is logged, and stays reachable only by its exact old spelling.
/// </summary>
public static class NameMigration
{
    public static async Task RenormalizeAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NameMigration));
        var users = await db.Users.AsNoTracking().Select(u => new { u.Id, u.UserName, u.NormalizedUserName }).ToListAsync();
        foreach (var user in users)
        {
            var skeleton = NameSkeleton.Of(user.UserName ?? "");
            if (skeleton == user.NormalizedUserName)
            {
                continue;
            }

            try
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE \"AspNetUsers\" SET \"NormalizedUserName\" = {skeleton} WHERE \"Id\" = {user.Id}");
            }
            catch (DbException ex) when (ChatStore.IsUniqueViolation(ex))
            {
                logger.LogWarning("User {UserName} looks like another user (both are {Skeleton}); its name was left as it was.", user.UserName, skeleton);
            }
        }
    }
}
