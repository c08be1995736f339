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
/// <para>Groups come one way: <see cref="Group"/> (one template), <see cref="Groups"/> (several templates; the
/// subscribe methods are then named per template: <c>SubscribeNameByRoomIdAsync(int roomId, ...)</c>) or
/// <see cref="GroupsMethod"/> (a method returning group keys; <c>SubscribeNameAsync(string group, ...)</c>).</para>
/// <para>A change that moves an instance between groups is a <c>delete</c> for the groups it left, a <c>create</c> for
/// the groups it entered and an <c>update</c> for the groups it stayed in, as in DCRF. A subscriber in several of a
/// change's groups gets it once per subscribing <c>request_id</c>, not once per group: <c>update</c> when the request
/// id saw the instance before and after the change, <c>create</c> or <c>delete</c> when only after or only before.</para>
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
    /// Several group templates (DCRF's <c>groups_for_signal</c> yielding more than one group), each written and checked
    /// as <see cref="Group"/>: <c>Groups = new[] { "room:{RoomId}", "user:{AuthorId}" }</c>. A template whose nullable
    /// member is null puts the instance in no group of that template. The generator emits
    /// <c>Subscribe{Name}By{Members}Async</c> per template (<c>SubscribeMessageActivityByRoomIdAsync(int roomId, ...)</c>;
    /// a template without placeholders: <c>Subscribe{Name}Async</c>). Not combined with <see cref="Group"/> or
    /// <see cref="GroupsMethod"/>; two templates may not have the same placeholders.
    /// </summary>
    public string[]? Groups { get; init; }

    /// <summary>
    /// The name of a static method of the consumer, <c>static IEnumerable&lt;string&gt; Name(TModel model)</c>, returning
    /// an instance's group keys, for rules a template cannot express (DCRF's <c>groups_for_signal</c>). A key is any
    /// text (null keys are skipped); the group is the observer id, <c>:</c> and the key encoded with
    /// <see cref="GroupName.EncodeValue"/>, fitted with <see cref="GroupName.Fit"/>, so keys need no escaping and distinct
    /// keys are distinct groups. Subscribers pass the same key to the generated
    /// <c>Subscribe{Name}Async(string group, RequestContext request)</c> (DCRF's <c>groups_for_consumer</c>). Not
    /// combined with <see cref="Group"/> or <see cref="Groups"/>. An exception it throws is logged as an observer failure.
    /// </summary>
    public string? GroupsMethod { get; init; }

    /// <summary>
    /// The name of an instance method that receives each notification instead of the default frames (DCRF's
    /// <c>model_observer</c> handler): <c>ValueTask Name(TData data, ModelAction action, IReadOnlyList&lt;JsonElement&gt;
    /// requestIds)</c> (or returning <c>Task</c> or <c>void</c>). It runs in order with the connection's messages and
    /// decides what to send (<c>Send</c>). Checked at compile time.
    /// </summary>
    public string? Handler { get; init; }
}
