using Consumers.Groups;

namespace Consumers.Observers;

/// <summary>The <see cref="IModelChangePublisher"/> over this node's observers and the configured group layer.</summary>
internal sealed class ModelChangePublisher(ObserverRegistry registry, IGroupLayer layer) : IModelChangePublisher
{
    public async ValueTask PublishAsync<TModel>(ModelChange<TModel> change, CancellationToken cancellationToken = default)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Previous is null && change.Current is null)
        {
            throw new ArgumentException("A model change needs the previous or the current instance.", nameof(change));
        }

        foreach (var binding in registry.For(typeof(TModel)))
        {
            await ((ModelObserverBinding<TModel>)binding).PublishAsync(change, layer, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask PublishAsync(Type modelType, object? previous, object? current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (previous is null && current is null)
        {
            throw new ArgumentException("A model change needs the previous or the current instance.", nameof(current));
        }

        foreach (var binding in registry.For(modelType))
        {
            await binding.PublishAsync(previous, current, layer, cancellationToken).ConfigureAwait(false);
        }
    }
}
