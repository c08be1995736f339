using System.ComponentModel;

namespace Consumers.Contracts;

/// <summary>
/// What a consumer offers its clients, as the source generator knows it at compile time: the actions (wire names,
/// parameters, result metadata) and the model observers whose notifications reach the client. Emitted on every
/// generated consumer as <c>IConsumerFactory&lt;T&gt;.Contract</c>; <c>MapAsyncApi()</c> turns the contracts of the
/// mapped endpoints into an AsyncAPI 3.0 document. Holds <c>JsonTypeInfo</c>s, never reflection data.
/// </summary>
/// <param name="Name">The consumer class name, e.g. <c>RoomConsumer</c>.</param>
/// <param name="Description">The class's XML doc summary, or null.</param>
/// <param name="Actions">The actions, in the order the generator found them (own first, then inherited).</param>
/// <param name="Notifications">The observers whose notifications are pushed to subscribed clients.</param>
/// <param name="Receive">
/// The message metadata of a plain JSON consumer's <c>[Receive]</c> handler (Channels'
/// <c>receive_json</c>; then <paramref name="Actions"/> is empty), or null for a DCRF consumer.
/// </param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record ConsumerContract(
    string Name,
    string? Description,
    IReadOnlyList<ActionContract> Actions,
    IReadOnlyList<NotificationContract> Notifications,
    System.Text.Json.Serialization.Metadata.JsonTypeInfo? Receive = null)
{
    /// <summary>The events the consumer pushes (<c>[Pushes]</c> of <c>[ConsumerEvent]</c> types); empty when it declares none.</summary>
    public IReadOnlyList<EventContract> Events { get; init; } = [];
}
