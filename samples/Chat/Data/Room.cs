namespace Chat.Data;

/// <summary>A chat room: its messages and the users currently in it.</summary>
public sealed class Room
{
    public int Id { get; set; }

    /// <summary>Unique, 1-50 letters, digits, '-' or '_' (it is also part of the page's URL).</summary>
    public string Name { get; set; } = "";

    public string Creator { get; set; } = "";

    /// <summary>Touched when users join or leave, so the change tracker sees the room change and instance subscribers get an update.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<Message> Messages { get; set; } = [];

    public List<RoomUser> Users { get; set; } = [];
}
