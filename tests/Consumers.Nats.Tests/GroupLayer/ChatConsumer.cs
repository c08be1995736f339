using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Nats.Tests.GroupLayer;

public sealed record Line(string From, string Text);

/// <summary>A group event: each member's [GroupEvent] handler decides what its socket gets.</summary>
public sealed record Shout(string From, string Text);

[JsonSerializable(typeof(Line))]
[JsonSerializable(typeof(Shout))]
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
    public ValueTask Shout(string text)
        => SendToGroupAsync("room:" + Context.RouteValues["room"], new Shout(Context.ChannelName, text), LineJson.Default.Shout);

    [Action]
    public string Channel() => Context.ChannelName;

    // Runs on the member's node, in order with its messages: the member's socket gets a line made for it.
    [GroupEvent]
    private Task OnShout(Shout e)
    {
        Send(new Line(e.From, e.Text.ToUpperInvariant() + " at " + Context.ChannelName), LineJson.Default.Line);
        return Task.CompletedTask;
    }
}
