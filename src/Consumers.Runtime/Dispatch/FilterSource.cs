using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Dispatch;

/// <summary>
/// Where a filter named by <see cref="ConsumerFilterAttribute"/> comes from, decided at compile time by the source
/// generator (as <see cref="Security.PermissionSource"/> for permissions): a shared instance, or the connection's DI
/// scope. No reflection at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class FilterSource
{
    private readonly IConsumerFilter? _instance;
    private readonly Func<IServiceProvider, IConsumerFilter>? _resolve;

    private FilterSource(IConsumerFilter? instance, Func<IServiceProvider, IConsumerFilter>? resolve)
    {
        _instance = instance;
        _resolve = resolve;
    }

    /// <summary>A filter created once and shared by every connection.</summary>
    /// <param name="filter">The instance.</param>
    /// <returns>The source.</returns>
    public static FilterSource Of(IConsumerFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new FilterSource(filter, null);
    }

    /// <summary>A filter resolved from the connection's DI scope on each call.</summary>
    /// <typeparam name="T">The registered filter type.</typeparam>
    /// <returns>The source.</returns>
    public static FilterSource FromServices<T>()
        where T : class, IConsumerFilter
        => new(null, static services => services.GetRequiredService<T>());

    /// <summary>The filter.</summary>
    /// <exception cref="InvalidOperationException">A DI-resolved filter is not registered.</exception>
    internal IConsumerFilter Resolve(IServiceProvider services) => _instance ?? _resolve!(services);
}
