using Consumers;

namespace Chat;

/// <summary>
/// The chat consumer, minimal for now: a connection joins a room under a user name and posts messages.
/// Broadcasting to the room's other members arrives with the group layer.
/// </summary>
[JsonContext(typeof(ChatJsonContext))]
public sealed partial class RoomConsumer : Consumer
{
    private string? _room;
    private string? _username;

    [Action]
    public ActionResult<JoinedRoom> JoinRoom(string room, string username)
    {
        if (string.IsNullOrWhiteSpace(room) || string.IsNullOrWhiteSpace(username))
        {
            return ActionResult.BadRequest(string.IsNullOrWhiteSpace(room) ? "room" : "username", "This field may not be blank.");
        }

        _room = room.Trim();
        _username = username.Trim();
        return new JoinedRoom(_room, _username);
    }

    [Action]
    public ActionResult<ChatMessage> CreateMessage(string message)
    {
        if (_room is null || _username is null)
        {
            return ActionResult.Error(409, "Join a room first.");
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            return ActionResult.BadRequest("message", "This field may not be blank.");
        }

        return ActionResult<ChatMessage>.Created(new ChatMessage(_room, _username, message, DateTimeOffset.UtcNow));
    }
}
