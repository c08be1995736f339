using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Tests.Consumers;

/// <summary>A group event (Channels' <c>{"type": "chat.message", ...}</c>): members decide what reaches their socket.</summary>
public sealed record ChatEvent(string From, string Text);

/// <summary>A group event no member handles: written to sockets as it is.</summary>
public sealed record Notice(string Text);

/// <summary>A group event whose handler throws.</summary>
public sealed record Boom(string Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(Notice))]
[JsonSerializable(typeof(Boom))]
[JsonSerializable(typeof(ChatLine))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class EventJsonContext : JsonSerializerContext;

/// <summary>The same event type in a context without a naming policy (PascalCase names).</summary>
[JsonSerializable(typeof(ChatEvent))]
public sealed partial class PascalEventJson : JsonSerializerContext;

/// <summary>Joins "events:{room}"; its [GroupEvent] handlers filter and enrich chat events per member.</summary>
[ConsumerGroups("events:{room}")]
[JsonContext(typeof(EventJsonContext))]
public sealed partial class EventConsumer : Consumer
{
    private string Room => "events:" + Context.RouteValues["room"];

    [Action]
    public ValueTask Say(string text) => SendToGroupAsync(Room, new ChatEvent(Context.ChannelName, text), EventJsonContext.Default.ChatEvent);

    [Action]
    public ValueTask Announce(string text) => SendToGroupAsync(Room, new Notice(text), EventJsonContext.Default.Notice);

    [Action]
    public ValueTask Explode() => SendToGroupAsync(Room, new Boom("boom"), EventJsonContext.Default.Boom);

    [Action]
    public ValueTask Whisper(string channel, string text) => SendToChannelAsync(channel, new ChatEvent(Context.ChannelName, text), EventJsonContext.Default.ChatEvent);

    [Action]
    public string Channel() => Context.ChannelName;

    // Runs on each member: drops "quiet" events, takes its time for "slow" ones, and says whom it ran for.
    [GroupEvent]
    private async Task OnChatEvent(ChatEvent e)
    {
        if (e.Text.Contains("quiet", StringComparison.Ordinal))
        {
            return;
        }

        if (e.Text.Contains("slow", StringComparison.Ordinal))
        {
            await Task.Delay(200);
        }

        Send(new ChatLine("event", e.From, e.Text.ToUpperInvariant() + " for " + Context.ChannelName), EventJsonContext.Default.ChatLine);
    }

    [GroupEvent]
    private void OnBoom(Boom e) => throw new InvalidOperationException("handler failure: " + e.Text);
}

/// <summary>The Channels tutorial's <c>{"type": "chat.message"}</c> group event, typed.</summary>
public sealed record TutorialChatEvent(string Message, string Sender);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TutorialChatEvent))]
[JsonSerializable(typeof(PlainChatMessage))]
public sealed partial class TutorialEventJson : JsonSerializerContext;

/// <summary>
/// The Channels tutorial's consumer as written there: <c>receive</c> does a <c>group_send</c> of a typed event, and
/// each member's <c>chat_message</c> handler decides what its socket gets (here: its own messages are marked).
/// </summary>
[ConsumerGroups("tutorial:{room}")]
[JsonContext(typeof(TutorialEventJson))]
public sealed partial class TutorialEventConsumer : Consumer
{
    [Receive]
    public ValueTask Receive(PlainChatMessage message)
        => SendToGroupAsync("tutorial:" + Context.RouteValues["room"], new TutorialChatEvent(message.Message, Context.ChannelName), TutorialEventJson.Default.TutorialChatEvent);

    [GroupEvent]
    private void ChatMessage(TutorialChatEvent e)
        => Send(new PlainChatMessage(e.Sender == Context.ChannelName ? "me: " + e.Message : e.Message), TutorialEventJson.Default.PlainChatMessage);
}
