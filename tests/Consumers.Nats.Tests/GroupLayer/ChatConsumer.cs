using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Nats.Tests.GroupLayer;

public sealed record Line(string From, string Text);

[JsonSerializable(typeof(Line))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
public sealed partial class LineJson : JsonSerializerContext;

/// <summary>A room member: joins its room on connect, says things to it, whispers to channels.</summary>
[ConsumerGroups("room:{room}")]
[JsonContext(typeof(LineJson))]
public sealed partial class ChatConsumer : Consumer
{
    [Action]
    public ValueTask Say(string text, bool excludeSelf = false)
        => SendToGroupAsync("room:" + Context.RouteValues["room"], new Line(Context.ChannelName, text), LineJson.Default.Line, excludeSelf);

    [Action]
    public ValueTask Whisper(string channel, string text)
        => SendToChannelAsync(channel, new Line(Context.ChannelName, text), LineJson.Default.Line);

    [Action]
    public string Channel() => Context.ChannelName;
}
