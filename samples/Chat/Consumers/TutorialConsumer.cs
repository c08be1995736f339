using Consumers;
using Microsoft.AspNetCore.Authorization;

namespace Chat.Consumers;

/// <summary>
/// The Django Channels tutorial's chat room (<c>ChatConsumer</c> of "Write your first consumer"), as a plain JSON
/// consumer: the page sends <c>{"message": "..."}</c> with no <c>action</c>, and every member of the room gets
/// <c>{"message": "..."}</c>, over NATS when the nodes share it. The room's group is <c>chat_{room_name}</c> (the
/// tutorial's name), joined on connect; room names follow the DCRF room's rule (<see cref="RoomNames"/>), so the group
/// name needs no encoding. As the rest of the chat, only signed-in users connect.
/// </summary>
[Authorize]
[ConsumerGroups("chat_{room_name}")]
[JsonContext(typeof(TutorialJson))]
public sealed partial class TutorialConsumer : Consumer
{
    /// <summary>The longest message, in characters (the DCRF room's limit).</summary>
    public const int MaxMessageLength = 2000;

    private string Group => "chat_" + Context.RouteValues["room_name"];

    /// <summary>Refuses (403) a room name the DCRF room would refuse, before any group is joined.</summary>
    protected override ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(RoomNames.IsValid(Context.RouteValues["room_name"] as string));

    /// <summary>The tutorial's <c>receive</c>: the message goes to the room's group, sender included.</summary>
    [Receive]
    public ValueTask OnMessage(TutorialMessage message, CancellationToken cancellationToken)
    {
        if (message.Message.Length is 0 or > MaxMessageLength)
        {
            Send(new TutorialError($"Use 1-{MaxMessageLength} characters."), TutorialJson.Default.TutorialError);
            return ValueTask.CompletedTask;
        }

        return SendToGroupAsync(Group, message, TutorialJson.Default.TutorialMessage, cancellationToken: cancellationToken);
    }
}
