namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// Server (a): the chat room consumer as the README shows one: clients join a room by action, and
/// <c>broadcast</c> sends a source-generated record to the room's group (the sender included).
/// </summary>
[JsonContext(typeof(ChatJson))]
public sealed partial class RoomConsumer : Consumer
{
    /// <summary>Joins the room's group (<c>{"action":"join","room":"r1"}</c>).</summary>
    [Action]
    public ValueTask Join(string room) => JoinGroupAsync("room:" + room);

    /// <summary>Sends <paramref name="text"/> to every member of the room (<c>{"action":"broadcast","room":"r1","text":"..."}</c>).</summary>
    [Action]
    public ValueTask Broadcast(string room, string text) =>
        SendToGroupAsync("room:" + room, new ChatLine(room, text), ChatJson.Default.ChatLine);
}
