namespace Consumers.Benchmarks.Fanout;

/// <summary>Server (a): a room member that joins <c>room:{room}</c> on connect; <c>say</c> sends the body to the room.</summary>
[ConsumerGroups("room:{room}")]
[JsonContext(typeof(FanoutJson))]
public sealed partial class FanoutConsumer : Consumer
{
    private string? _group;

    /// <summary>Sends <paramref name="body"/> to every member of the sender's room, the sender included.</summary>
    [Action]
    public ValueTask Say(string body)
    {
        // The group name is built once per connection, not per message.
        _group ??= "room:" + (string)Context.RouteValues["room"]!;
        return SendToGroupAsync(_group, new ChatLine(body), FanoutJson.Default.ChatLine);
    }
}
