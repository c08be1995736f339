namespace Chat.Data;

/// <summary>A user present in a room through one connection (a user with two tabs is present twice, shown once).</summary>
public sealed class RoomUser
{
    public int Id { get; set; }

    public int RoomId { get; set; }

    public string Username { get; set; } = "";

    /// <summary>The connection's channel name, so that a dropped socket removes exactly its presence.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The chat node holding the connection, so that presence left by a node that stopped can be swept.</summary>
    public string Node { get; set; } = "";
}
