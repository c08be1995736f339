using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Tests.Consumers;

public sealed record ChatLine(string Type, string From, string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatLine))]
public sealed partial class RoomJsonContext : JsonSerializerContext;

/// <summary>Joins "lobby" and its room on connect; says things to groups and channels.</summary>
[ConsumerGroups("lobby", "room:{room}")]
[JsonContext(typeof(RoomJsonContext))]
public sealed partial class RoomConsumer : Consumer
{
    private string Room => "room:" + Context.RouteValues["room"];

    [Action]
    public ValueTask Say(string text, bool excludeSelf = false)
        => SendToGroupAsync(Room, new ChatLine("chat", Context.ChannelName, text), RoomJsonContext.Default.ChatLine, excludeSelf);

    [Action]
    public ValueTask Shout(string text)
        => SendToGroupAsync("lobby", new ChatLine("shout", Context.ChannelName, text), RoomJsonContext.Default.ChatLine);

    [Action]
    public ValueTask Join(string group) => JoinGroupAsync(group);

    [Action]
    public ValueTask Leave(string group) => LeaveGroupAsync(group);

    [Action]
    public ValueTask Subscribe(string group, RequestContext request) => SubscribeObserverAsync(group, request);

    [Action]
    public ValueTask Tell(string group, string text)
        => SendToGroupAsync(group, new ChatLine("tell", Context.ChannelName, text), RoomJsonContext.Default.ChatLine);

    [Action]
    public ValueTask Whisper(string channel, string text)
        => SendToChannelAsync(channel, new ChatLine("whisper", Context.ChannelName, text), RoomJsonContext.Default.ChatLine);

    [Action]
    public string Channel() => Context.ChannelName;

    [Action("groups")]
    public string JoinedGroups() => string.Join(",", Groups.Order());
}

/// <summary>Declares a group from a route value the endpoint does not have.</summary>
[ConsumerGroups("room:{missing}")]
public sealed partial class MisconfiguredConsumer : Consumer
{
    [Action]
    public int Ping() => 1;
}
