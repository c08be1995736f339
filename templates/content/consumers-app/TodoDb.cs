using Microsoft.EntityFrameworkCore;

namespace ConsumersApp;

/// <summary>One item of a to-do list.</summary>
public sealed class TodoItem
{
    public int Id { get; set; }

    public int ListId { get; set; }

    public string Title { get; set; } = "";

    public bool Done { get; set; }
}

/// <summary>The app's database: SQLite, the connection string "Todo" (default todo.db beside the app).</summary>
public sealed class TodoDb(DbContextOptions<TodoDb> options) : DbContext(options)
{
    public DbSet<TodoItem> Items => Set<TodoItem>();
}
