using Consumers;

namespace Chat;

/// <summary>
/// The chat consumer, minimal for now: a connection joins a room under a user name, and its messages are sent to
/// everyone in the room (on every node, when the NATS group layer is configured). Rooms and history in a database,
/// and model observers, come with the full application.
/// </summary>
[JsonContext(typeof(ChatJsonContext))]
public sealed partial class RoomConsumer : Consumer
{
    private string? _room;
    private string? _username;

    [Action]
    public async Task<ActionResult<JoinedRoom>> JoinRoom(string room, string username)
    {
        room = room.Trim();
        username = username.Trim();
        if (room.Length == 0 || !GroupName.IsValid(GroupOf(room)))
        {
            return ActionResult.BadRequest("room", "Use 1-50 letters, digits, '-' or '_'.");
        }

        if (username.Length is 0 or > 50)
        {
            return ActionResult.BadRequest("username", "Use 1-50 characters.");
        }

        if (_room is not null)
        {
            await LeaveGroupAsync(GroupOf(_room));
        }

        _room = room;
        _username = username;
        await JoinGroupAsync(GroupOf(room));
        return new JoinedRoom(room, username);
    }

    [Action]
    public async Task<ActionResult> CreateMessage(string message)
    {
        if (_room is null || _username is null)
        {
            return ActionResult.Error(409, "Join a room first.");
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            return ActionResult.BadRequest("message", "This field may not be blank.");
        }

        var posted = new ChatMessage("chat_message", _room, _username, message, DateTimeOffset.UtcNow);
        await SendToGroupAsync(GroupOf(_room), posted, ChatJsonContext.Default.ChatMessage);
        return ActionResult.Ok();
    }

    private static string GroupOf(string room) => "room:" + room;
}
