using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>The chat's SQLite database.</summary>
public sealed class ChatDb(DbContextOptions<ChatDb> options) : DbContext(options)
{
    public DbSet<Room> Rooms => Set<Room>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<RoomUser> RoomUsers => Set<RoomUser>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Room>().HasIndex(r => r.Name).IsUnique();
        modelBuilder.Entity<Room>().HasMany(r => r.Messages).WithOne(m => m.Room).HasForeignKey(m => m.RoomId).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Room>().HasMany(r => r.Users).WithOne().HasForeignKey(u => u.RoomId).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<Message>().HasIndex(m => new { m.RoomId, m.Id });

        // SQLite cannot order by DateTimeOffset: store it as UTC ticks.
        modelBuilder.Entity<Message>().Property(m => m.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        modelBuilder.Entity<Room>().Property(r => r.UpdatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
    }
}
