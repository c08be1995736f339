namespace Consumers;

/// <summary>
/// Marks an instance method of a consumer as the handler of a group event type (Channels' <c>type</c> dispatch of a
/// <c>group_send</c>, Chanx's <c>@event_handler</c>): <c>Task OnChatMessage(ChatMessage e)</c>. When a message of that
/// type is sent to a group this consumer is in (<c>SendToGroupAsync(group, new ChatMessage(...), typeInfo)</c>, from any
/// node, also <c>SendToUserAsync</c> and <c>SendToChannelAsync</c> and their <see cref="IGroupSender"/> forms), the
/// handler runs on this member instead of the payload being written to its socket, in order with the connection's own
/// messages; it decides what to send (<c>Send</c>), or sends nothing.
/// </summary>
/// <remarks>
/// <para>Signature: an instance method with one parameter, the event type (a non-generic class, record or struct in
/// the consumer's JSON context), returning <c>Task</c>, <c>ValueTask</c> or <c>void</c>. One handler per event type
/// and consumer. Checked at compile time (CONS0050, CONS0051; CONS0012/CONS0013 for the JSON metadata).</para>
/// <para>Events are matched by the .NET full name of the type the sender serialized (its <c>JsonTypeInfo.Type</c>),
/// carried in the <c>Consumers-Event</c> header; the generated code deserializes the payload with the consumer's JSON
/// context (no reflection). A member without a handler for the type gets the payload as a frame, as before. A handler
/// that throws is logged and the connection goes on.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class GroupEventAttribute : Attribute;
