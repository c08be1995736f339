using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Tests.Consumers;

/// <summary>A server push event (docs/protocol.md, "Server pushes"): written as a DCRF envelope with action "line_said".</summary>
[ConsumerEvent("line_said")]
public sealed record LineSaid(string User, string Text);

/// <summary>A push event named by its type: "room_closed".</summary>
[ConsumerEvent]
public sealed record RoomClosed(int Room);

/// <summary>A plain type sent to the same groups: its bytes stay the object as it is.</summary>
public sealed record PushNote(string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LineSaid))]
[JsonSerializable(typeof(RoomClosed))]
[JsonSerializable(typeof(PushNote))]
public sealed partial class PushJson : JsonSerializerContext;

/// <summary>Joins "push:{room}"; pushes lines to the group, to itself, and plain notes beside them.</summary>
[ConsumerGroups("push:{room}")]
[JsonContext(typeof(PushJson))]
[Pushes(typeof(LineSaid))]
[Pushes(typeof(RoomClosed))]
public sealed partial class PushConsumer : Consumer
{
    private string Room => "push:" + Context.RouteValues["room"];

    [Action]
    public ValueTask Say(string text) => SendToGroupAsync(Room, new LineSaid(Context.ChannelName, text), PushJson.Default.LineSaid);

    [Action]
    public bool Echo(string text) => Send(new LineSaid("me", text), PushJson.Default.LineSaid);

    [Action]
    public ValueTask CloseRoom(int room) => SendToGroupAsync(Room, new RoomClosed(room), PushJson.Default.RoomClosed);

    /// <summary>The last line, or a 204 without data when <paramref name="empty"/> (the JavaScript client rejects that: the result is no null).</summary>
    [Action]
    public ActionResult<LineSaid> Last(bool empty) => empty ? ActionResult.NoContent() : new LineSaid("me", "last");

#pragma warning disable CONS0074 // a plain note on purpose: its bytes must not change
    [Action]
    public ValueTask Note(string text) => SendToGroupAsync(Room, new PushNote(text), PushJson.Default.PushNote);
#pragma warning restore CONS0074
}

/// <summary>A member of the same group whose [GroupEvent] handler takes the push event: it gets the envelope's data.</summary>
[ConsumerGroups("push:{room}")]
[JsonContext(typeof(PushJson))]
public sealed partial class PushRelayConsumer : Consumer
{
    [Action]
    public string Channel() => Context.ChannelName;

    [GroupEvent]
    private void OnLine(LineSaid line) => Send(new PushNote("relayed " + line.Text + " from " + line.User), PushJson.Default.PushNote);
}
