using System.Collections.Concurrent;
using System.ComponentModel;

namespace Consumers.Observers;

/// <summary>
/// The model observers of this node by model type, registered by generated code when a consumer is mapped.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ObserverRegistry
{
    private readonly ConcurrentDictionary<Type, ModelObserverBinding[]> _byModel = new();
    private readonly ConcurrentDictionary<string, ModelObserverBinding> _byId = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates the registry with the observers registered in DI (such as instance observers of model serializers).</summary>
    /// <param name="bindings">Observers known before any consumer is mapped.</param>
    internal ObserverRegistry(IEnumerable<ModelObserverBinding> bindings)
    {
        foreach (var binding in bindings)
        {
            Add(binding);
        }
    }

    /// <summary>Adds an observer; adding one with the same id again (a consumer mapped twice) is ignored.</summary>
    /// <param name="binding">The observer.</param>
    public void Add(ModelObserverBinding binding)
    {
        lock (_lock)
        {
            var existing = _byModel.GetValueOrDefault(binding.ModelType, []);
            if (existing.Any(b => b.Id == binding.Id))
            {
                return;
            }

            _byModel[binding.ModelType] = [.. existing, binding];
            _byId[binding.Id] = binding;
        }
    }

    internal ModelObserverBinding[] For(Type modelType) => _byModel.GetValueOrDefault(modelType, []);

    internal ModelObserverBinding? Find(string observerId) => _byId.GetValueOrDefault(observerId);

    /// <summary>The model types that have observers.</summary>
    internal IReadOnlyCollection<Type> ObservedModels => [.. _byModel.Keys];
}
