namespace Consumers;

/// <summary>
/// Declares a type as a server push event with a wire name (SignalR's <c>Clients.Group(g).SendAsync("ReceiveMessage", ...)</c>
/// method name, typed): <c>[ConsumerEvent("chat_line")] public sealed record ChatLine(string User, string Text);</c>.
/// Whatever sends a value of this type to clients (<c>Send</c>, <c>SendToGroupAsync</c>, <c>SendToUserAsync</c>,
/// <c>SendToChannelAsync</c> and their <see cref="IGroupSender"/> forms) writes it as a DCRF envelope
/// <c>{"errors": [], "data": {...}, "action": "chat_line", "response_status": 200, "request_id": null}</c>, serialized
/// once at the sender, so that DCRF front ends and the generated clients route it by <c>action</c> (docs/protocol.md,
/// "Server pushes"). Consumers that send it declare so with <see cref="PushesAttribute"/>: the generated clients and
/// the AsyncAPI document then type it.
/// </summary>
/// <remarks>
/// The name lives on the type, not on the consumer, because a group send is serialized once, before anyone knows
/// which consumers receive it. Checked at compile time (CONS0070: the name is empty, has whitespace or starts with
/// <c>$</c>; the type is generic or not accessible to the assembly). A type without this attribute keeps today's bytes:
/// the object as it is, one per frame.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class ConsumerEventAttribute : Attribute
{
    /// <summary>Declares the event with the snake_case of the type's name (<c>ChatLine</c> → <c>chat_line</c>).</summary>
    public ConsumerEventAttribute()
    {
    }

    /// <summary>Declares the event with an explicit wire name (the envelope's <c>action</c>).</summary>
    /// <param name="name">The name, e.g. <c>chat_line</c>: not empty, no whitespace or control characters, not starting with <c>$</c>.</param>
    public ConsumerEventAttribute(string name) => Name = name;

    /// <summary>The wire name given, or null for the snake_case of the type's name.</summary>
    public string? Name { get; }
}
