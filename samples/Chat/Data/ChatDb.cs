using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>
/// The chat's database (SQLite or PostgreSQL, <see cref="ChatStore"/>): ASP.NET Core Identity's users, rooms, messages,
/// presence and live nodes; on PostgreSQL also the keys every node needs (data protection's and the token key).
/// </summary>
public sealed class ChatDb(DbContextOptions<ChatDb> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<Room> Rooms => Set<Room>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<RoomUser> RoomUsers => Set<RoomUser>();

    public DbSet<ChatNode> Nodes => Set<ChatNode>();

    /// <summary>Data protection's key ring (the keys of sign-in cookies) on PostgreSQL; with SQLite they stay files in the data folder.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Shared secrets on PostgreSQL (<see cref="ChatSecret"/>).</summary>
    public DbSet<ChatSecret> Secrets => Set<ChatSecret>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Room>().HasIndex(r => r.Name).IsUnique();
        modelBuilder.Entity<Room>().HasIndex(r => new { r.Creator, r.CreatedAt });
        modelBuilder.Entity<Room>().HasIndex(r => new { r.CreatorAddress, r.CreatedAt });
        modelBuilder.Entity<Room>().HasMany(r => r.Messages).WithOne(m => m.Room).HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Room>().HasMany(r => r.Users).WithOne().HasForeignKey(u => u.RoomId).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Message>().HasIndex(m => new { m.RoomId, m.Id });
        modelBuilder.Entity<RoomUser>().HasIndex(u => u.Node);
        modelBuilder.Entity<ChatSecret>().HasKey(s => s.Name);

        // SQLite cannot order or compare DateTimeOffset: store it as UTC ticks (on PostgreSQL too, so both have one model).
        modelBuilder.Entity<Message>().Property(m => m.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        modelBuilder.Entity<Room>().Property(r => r.UpdatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        modelBuilder.Entity<Room>().Property(r => r.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        modelBuilder.Entity<ChatNode>().Property(n => n.SeenAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
    }
}
