using Consumers;
using Microsoft.AspNetCore.Mvc;

namespace Consumers.Tests.Consumers;

/// <summary>A gate the test opens: an action waiting on it has not finished.</summary>
public sealed class ActionGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Opened => _open.Task;

    public void Open() => _open.TrySetResult();
}

/// <summary>Says things to its room, and once says something and then waits for the test.</summary>
[ConsumerGroups("room:{room}")]
[JsonContext(typeof(RoomJsonContext))]
public sealed partial class HoldingConsumer : Consumer
{
    private string Room => "room:" + Context.RouteValues["room"];

    [Action]
    public ValueTask Say(string text)
        => SendToGroupAsync(Room, new ChatLine("chat", Context.ChannelName, text), RoomJsonContext.Default.ChatLine);

    [Action]
    public async Task<string> SayThenWait(string text, [FromServices] ActionGate gate)
    {
        await SendToGroupAsync(Room, new ChatLine("chat", Context.ChannelName, text), RoomJsonContext.Default.ChatLine);
        await gate.Opened;
        return "done";
    }
}
