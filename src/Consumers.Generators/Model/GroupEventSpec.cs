namespace Consumers.Generators.Model;

/// <summary>One <c>[GroupEvent]</c> handler of a consumer.</summary>
/// <param name="MethodName">The handler method.</param>
/// <param name="EventName">The event type's .NET full name (<c>Namespace.Outer+Inner</c>), as the runtime's <c>Type.FullName</c> writes it.</param>
/// <param name="EventJson">The member holding the event type's <c>JsonTypeInfo</c>.</param>
/// <param name="Return">The handler's return: <c>Task</c>, <c>ValueTask</c> or <c>void</c>.</param>
/// <param name="Envelope">Whether the type is a <c>[ConsumerEvent]</c>, whose payload is an envelope: the handler reads its <c>data</c>.</param>
internal sealed record GroupEventSpec(string MethodName, string EventName, string EventJson, string Return, bool Envelope = false);
