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

public sealed class Room
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    public int Capacity { get; set; }
}

public sealed class ChatDb(DbContextOptions<ChatDb> options) : DbContext(options)
{
    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Room> Rooms => Set<Room>();
}

public sealed record RoomDto(
    int Pk,
    [property: System.ComponentModel.DataAnnotations.Required(AllowEmptyStrings = false, ErrorMessage = "This field may not be blank.")]
    [property: System.ComponentModel.DataAnnotations.StringLength(20)]
    string Name,
    [property: System.ComponentModel.DataAnnotations.Range(1, 500)]
    int Capacity);

public sealed record MessageDto(int Pk, int RoomId, string Text);

public sealed record DigestLine(string Kind, string Text, string Action, string RequestIds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(RoomDto))]
[JsonSerializable(typeof(DigestLine))]
public sealed partial class ObserverJson : JsonSerializerContext;
