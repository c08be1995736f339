using Consumers.Diagnostics;
using Consumers.Groups;
using Microsoft.Extensions.Logging;

namespace Consumers.Observers;

/// <summary>
/// The <see cref="IModelChangePublisher"/> over this node's observers and the configured group layer. Publishing runs
/// after the change is committed: a failing observer (its serializer, its group values, the group layer) is logged and
/// counted, and neither reaches the code that saved nor keeps the other observers from publishing.
/// </summary>
internal sealed partial class ModelChangePublisher(ObserverRegistry registry, IGroupLayer layer, ILogger<ModelChangePublisher> logger) : IModelChangePublisher
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
            try
            {
                await ((ModelObserverBinding<TModel>)binding).PublishAsync(change, layer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed(binding, ex);
            }
        }
    }

    public async ValueTask PublishAsync(Type modelType, object? previous, object? current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (previous is null && current is null)
        {
            throw new ArgumentException("A model change needs the previous or the current instance.", nameof(current));
        }

        if (previous is not null && !modelType.IsInstanceOfType(previous) || current is not null && !modelType.IsInstanceOfType(current))
        {
            throw new ArgumentException($"A change published for {modelType.Name} carries an instance of another type.", nameof(current));
        }

        foreach (var binding in registry.For(modelType))
        {
            try
            {
                await binding.PublishAsync(previous, current, layer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed(binding, ex);
            }
        }
    }

    private void Failed(ModelObserverBinding binding, Exception ex)
    {
        ConsumerMetrics.ObserversFailed.Add(1);
        ObserverFailed(logger, binding.Id, ex);
    }

    [LoggerMessage(400, LogLevel.Error, "Observer {Observer} failed to publish a change; its subscribers miss this notification, the other observers and the saver are unaffected.", EventName = "ObserverFailed")]
    private static partial void ObserverFailed(ILogger logger, string observer, Exception exception);
}
