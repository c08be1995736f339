namespace Consumers.Generators.Model;

/// <summary>One event a consumer pushes (<c>[Pushes(typeof(T))]</c> of a <c>[ConsumerEvent]</c> type).</summary>
/// <param name="WireName">The envelope's <c>action</c>, e.g. <c>chat_line</c>.</param>
/// <param name="Type">The <c>global::</c> event type.</param>
/// <param name="Json">The member holding its <c>JsonTypeInfo</c>.</param>
/// <param name="Summary">The type's XML doc summary as plain text, or null.</param>
internal sealed record EventSpec(string WireName, string Type, string Json, string? Summary);

/// <summary>A <c>[ConsumerEvent]</c> type of the compilation, registered by the generated module initializer.</summary>
/// <param name="Type">The <c>global::</c> type name.</param>
/// <param name="WireName">Its event name.</param>
internal sealed record EventRegistration(string Type, string WireName);
