using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Groups;

namespace Consumers.Observers;

/// <summary>A model observer as the runtime sees it: its id and the model type it observes. Built by generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ModelObserverBinding
{
    private protected ModelObserverBinding(string id) => Id = id;

    /// <summary><c>Consumer.Method</c>: unique per observer, the first part of its groups' names.</summary>
    public string Id { get; }

    internal abstract Type ModelType { get; }

    /// <summary>
    /// A notification's payload as the observer's serialized type (<c>TData</c>), read with its source-generated
    /// metadata: what object permissions see on the nodes that receive the notification (the model does not cross nodes).
    /// </summary>
    /// <param name="data">The payload (UTF-8 JSON).</param>
    /// <returns>The object, or null for JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The payload is not of the observer's type.</exception>
    internal abstract object? ReadData(ReadOnlySpan<byte> data);

    internal abstract ValueTask PublishAsync(object? previous, object? current, IGroupLayer layer, CancellationToken cancellationToken);
}

/// <summary>A model observer of <typeparamref name="TModel"/>.</summary>
/// <typeparam name="TModel">The observed model type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ModelObserverBinding<TModel> : ModelObserverBinding
    where TModel : class
{
    private protected ModelObserverBinding(string id)
        : base(id)
    {
    }

    internal override Type ModelType => typeof(TModel);

    internal override ValueTask PublishAsync(object? previous, object? current, IGroupLayer layer, CancellationToken cancellationToken)
    {
        if (previous is not (null or TModel) || current is not (null or TModel))
        {
            throw new ArgumentException($"A change published for {typeof(TModel).Name} carries an instance of another type.");
        }

        return PublishAsync(new ModelChange<TModel>((TModel?)previous, (TModel?)current), layer, cancellationToken);
    }

    internal abstract ValueTask PublishAsync(ModelChange<TModel> change, IGroupLayer layer, CancellationToken cancellationToken);
}

/// <summary>
/// A model observer of <typeparamref name="TModel"/> serializing to <typeparamref name="TData"/>: groups of a change,
/// the serializer and its metadata, as the generator emitted them from the <c>[ModelObserver]</c> method.
/// </summary>
/// <typeparam name="TModel">The observed model type.</typeparam>
/// <typeparam name="TData">The serializer's result.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ModelObserverBinding<TModel, TData> : ModelObserverBinding<TModel>
    where TModel : class
{
    private readonly Func<TModel, IEnumerable<string>> _groupsOf;
    private readonly Func<TModel, TData> _serialize;
    private readonly JsonTypeInfo<TData> _typeInfo;

    /// <summary>An observer with one group template (<c>Group</c>).</summary>
    /// <param name="id">The observer id.</param>
    /// <param name="groupOf">The group of an instance (null: the instance belongs to no group).</param>
    /// <param name="serialize">The user's serializer method.</param>
    /// <param name="typeInfo">Source-generated metadata of <typeparamref name="TData"/>.</param>
    public ModelObserverBinding(string id, Func<TModel, string?> groupOf, Func<TModel, TData> serialize, JsonTypeInfo<TData> typeInfo)
        : this(id, model => groupOf(model) is { } group ? new[] { group } : Array.Empty<string>(), serialize, typeInfo)
    {
    }

    /// <summary>An observer with several groups per instance (<c>Groups</c> or <c>GroupsMethod</c>).</summary>
    /// <param name="id">The observer id.</param>
    /// <param name="groupsOf">The groups of an instance (duplicates are ignored; none: the instance belongs to no group).</param>
    /// <param name="serialize">The user's serializer method.</param>
    /// <param name="typeInfo">Source-generated metadata of <typeparamref name="TData"/>.</param>
    public ModelObserverBinding(string id, Func<TModel, IEnumerable<string>> groupsOf, Func<TModel, TData> serialize, JsonTypeInfo<TData> typeInfo)
        : base(id)
    {
        _groupsOf = groupsOf;
        _serialize = serialize;
        _typeInfo = typeInfo;
    }

    internal override object? ReadData(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize(data, _typeInfo);

    internal override async ValueTask PublishAsync(ModelChange<TModel> change, IGroupLayer layer, CancellationToken cancellationToken)
    {
        var before = GroupsOf(change.Previous);
        var after = GroupsOf(change.Current);
        if (before.Length == 0 && after.Length == 0)
        {
            return;
        }

        // Serialized once per change (the current state; the last known state for a deletion).
        var data = JsonSerializer.SerializeToUtf8Bytes(_serialize((change.Current ?? change.Previous)!), _typeInfo);
        if (before.Length <= 1 && after.Length <= 1 && (before.Length == 0 || after.Length == 0 || before[0] == after[0]))
        {
            // One group: one message, nothing for a member to merge.
            var group = after.Length > 0 ? after[0] : before[0];
            var action = before.Length == 0 ? ModelAction.Create : after.Length == 0 ? ModelAction.Delete : ModelAction.Update;
            await layer.SendAsync(group, ObserverNotification.Create(Id, group, data, action), cancellationToken).ConfigureAwait(false);
            return;
        }

        // One message per group (a node subscribes per group), tagged with the change so that a member in several of
        // them writes it once per request id. Groups left get a delete, groups entered a create (DCRF), groups kept an update.
        var groups = new ChangeGroups(ObserverNotification.NewChangeId(), before, after);
        foreach (var group in before)
        {
            var action = Array.IndexOf(after, group) >= 0 ? ModelAction.Update : ModelAction.Delete;
            await layer.SendAsync(group, ObserverNotification.Create(Id, group, data, action, groups), cancellationToken).ConfigureAwait(false);
        }

        foreach (var group in after)
        {
            if (Array.IndexOf(before, group) < 0)
            {
                await layer.SendAsync(group, ObserverNotification.Create(Id, group, data, ModelAction.Create, groups), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string[] GroupsOf(TModel? model)
    {
        if (model is null)
        {
            return [];
        }

        var groups = _groupsOf(model);
        return groups is string[] { Length: <= 1 } small ? small : [.. groups.Distinct(StringComparer.Ordinal)];
    }
}
