namespace Chat.Data;

/// <summary>A message posted in a room.</summary>
public sealed class Message
{
    public int Id { get; set; }

    public int RoomId { get; set; }

    public Room? Room { get; set; }

    public string User { get; set; } = "";

    public string Text { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
