using System.Collections.Concurrent;

namespace Consumers.Observers;

/// <summary>
/// The data contexts whose saved changes reach the model observers: EF Core's <c>AddModelObservers(sp)</c> attaches
/// its context type here when the context's options are built. Read by the start-up check that warns about a
/// context saving changes nobody is told of.
/// </summary>
internal sealed class ModelChangeSources
{
    private readonly ConcurrentDictionary<Type, bool> _attached = new();

    /// <summary>Records that changes saved through <paramref name="contextType"/> are published to the observers.</summary>
    /// <param name="contextType">The data context type (an EF Core <c>DbContext</c>).</param>
    public void Attach(Type contextType)
    {
        ArgumentNullException.ThrowIfNull(contextType);
        _attached.TryAdd(contextType, true);
    }

    /// <summary>Whether <paramref name="contextType"/> publishes its changes.</summary>
    /// <param name="contextType">The data context type.</param>
    public bool IsAttached(Type contextType) => _attached.ContainsKey(contextType);
}
