namespace Consumers;

/// <summary>
/// Marks a static method of a consumer as a model observer (DCRF's <c>@model_observer</c>): for every change of a
/// <typeparamref name="TModel"/> (created, updated, deleted; see <see cref="IModelChangePublisher"/>), the method
/// serializes the instance <b>once</b>, and the result is pushed to every consumer subscribed to the change's group,
/// one frame per subscribing <c>request_id</c>:
/// <c>{"errors": [], "data": ..., "action": "create" | "update" | "delete", "response_status": 200, "request_id": ...}</c>.
/// </summary>
/// <remarks>
/// <para>Signature: <c>static TData Name(TModel model)</c>, where <c>TData</c> is in the consumer's JSON context.
/// The generator emits <c>SubscribeNameAsync(..., RequestContext request)</c> and <c>UnsubscribeNameAsync(...)</c>
/// on the consumer, with one parameter per placeholder of <see cref="Group"/>.</para>
/// <para>A change that moves an instance between groups is a <c>delete</c> for the old group and a <c>create</c> for
/// the new one, as in DCRF.</para>
/// </remarks>
/// <typeparam name="TModel">The observed model (entity) type.</typeparam>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ModelObserverAttribute<TModel> : Attribute
    where TModel : class
{
    /// <summary>
    /// The group template of a change: literal text and <c>{Member}</c> placeholders naming public properties or
    /// fields of <typeparamref name="TModel"/> of type string, bool, integer, Guid or enum (e.g. <c>room:{RoomId}</c>).
    /// Null: one group for every instance. Checked at compile time.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>
    /// The name of an instance method that receives each notification instead of the default frames (DCRF's
    /// <c>model_observer</c> handler): <c>ValueTask Name(TData data, ModelAction action, IReadOnlyList&lt;JsonElement&gt;
    /// requestIds)</c> (or returning <c>Task</c> or <c>void</c>). It runs in order with the connection's messages and
    /// decides what to send (<c>Send</c>). Checked at compile time.
    /// </summary>
    public string? Handler { get; init; }
}
