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
/// <param name="id">The observer id.</param>
/// <param name="groupOf">The group of an instance (null: the instance belongs to no group).</param>
/// <param name="serialize">The user's serializer method.</param>
/// <param name="typeInfo">Source-generated metadata of <typeparamref name="TData"/>.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ModelObserverBinding<TModel, TData>(
    string id,
    Func<TModel, string?> groupOf,
    Func<TModel, TData> serialize,
    JsonTypeInfo<TData> typeInfo) : ModelObserverBinding<TModel>(id)
    where TModel : class
{
    internal override object? ReadData(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize(data, typeInfo);

    internal override async ValueTask PublishAsync(ModelChange<TModel> change, IGroupLayer layer, CancellationToken cancellationToken)
    {
        var before = change.Previous is null ? null : groupOf(change.Previous);
        var after = change.Current is null ? null : groupOf(change.Current);

        // Serialized once per change (the current state; the last known state for a deletion).
        var data = JsonSerializer.SerializeToUtf8Bytes(serialize((change.Current ?? change.Previous)!), typeInfo);
        if (before is not null && before == after)
        {
            await layer.SendAsync(after, ObserverNotification.Create(Id, after, data, ModelAction.Update), cancellationToken).ConfigureAwait(false);
            return;
        }

        // A move between groups is a delete where it was and a create where it is (DCRF).
        if (before is not null)
        {
            await layer.SendAsync(before, ObserverNotification.Create(Id, before, data, ModelAction.Delete), cancellationToken).ConfigureAwait(false);
        }

        if (after is not null)
        {
            await layer.SendAsync(after, ObserverNotification.Create(Id, after, data, ModelAction.Create), cancellationToken).ConfigureAwait(false);
        }
    }
}
