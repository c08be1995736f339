namespace Consumers;

/// <summary>
/// Declares that clients of this consumer receive pushes of an event type (one marked <see cref="ConsumerEventAttribute"/>):
/// <c>[Pushes(typeof(ChatLine))]</c>. The generated JavaScript/TypeScript client gets a typed
/// <c>on("chatLine", handler)</c>, the .NET client an <c>OnChatLine</c> callback, and the AsyncAPI document a
/// <c>send</c> operation with the event's schema. Repeat it for each event type; inherited by derived consumers.
/// </summary>
/// <remarks>
/// Checked at compile time: the type must be a <see cref="ConsumerEventAttribute"/> type (CONS0071) with metadata in the
/// consumer's JSON context (CONS0012/CONS0013), event names unique per consumer (CONS0072) and distinct from its action
/// names (CONS0073); a typed send of a type the consumer does not declare, from a consumer that declares pushes, is a
/// warning (CONS0074). The attribute changes no bytes: the wire form comes from <see cref="ConsumerEventAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class PushesAttribute : Attribute
{
    /// <summary>Declares one pushed event type.</summary>
    /// <param name="eventType">A type marked <see cref="ConsumerEventAttribute"/>.</param>
    public PushesAttribute(Type eventType) => EventType = eventType;

    /// <summary>The pushed event type.</summary>
    public Type EventType { get; }
}
