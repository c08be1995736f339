namespace Chat.Data;

/// <summary>A running chat node and when it last said so; presence of nodes that stopped saying so is swept.</summary>
public sealed class ChatNode
{
    /// <summary>Random per process (<see cref="PresenceSweeper.NodeId"/>).</summary>
    public string Id { get; set; } = "";

    public DateTimeOffset SeenAt { get; set; }
}
