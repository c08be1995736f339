using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Consumers.Observers.Tests;

public sealed class Message
{
    public int Id { get; set; }

    public int RoomId { get; set; }

    public string Text { get; set; } = "";

    public string? Topic { get; set; }
}

public sealed class ChatDb(DbContextOptions<ChatDb> options) : DbContext(options)
{
    public DbSet<Message> Messages => Set<Message>();
}

public sealed record MessageDto(int Pk, int RoomId, string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MessageDto))]
public sealed partial class ObserverJson : JsonSerializerContext;
