namespace Chat.Data;

/// <summary>A chat room: its messages and the users currently in it.</summary>
public sealed class Room
{
    public int Id { get; set; }

    /// <summary>Unique, 1-50 letters, digits, '-' or '_' (it is also part of the page's URL).</summary>
    public string Name { get; set; } = "";

    /// <summary>The user name of the account that created it.</summary>
    public string Creator { get; set; } = "";

    /// <summary>
    /// The client address it was created from (<c>ClientAddress</c>: IPv4, or an IPv6 /64; empty when unknown): at
    /// most 50 rooms per hour are created from one address. Never sent to clients.
    /// </summary>
    public string CreatorAddress { get; set; } = "";

    /// <summary>When it was created: a user creates at most 20 rooms per hour.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Touched when users join or leave, so the change tracker sees the room change and instance subscribers get an update.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<Message> Messages { get; set; } = [];

    public List<RoomUser> Users { get; set; } = [];
}
