using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers;

/// <summary>Registers global <see cref="IConsumerFilter"/>s in <c>AddConsumers(o =&gt; ...)</c>.</summary>
public static class ConsumerFilterOptionsExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TFilter"/> around every action and <see cref="ReceiveAttribute"/> handler of every consumer,
    /// before the filters of <see cref="ConsumerFilterAttribute"/>s; global filters run in the order they are added. One
    /// instance per consumer of a connection, from the connection's DI scope: the registered service when there is one (its lifetime
    /// applies), else one created with its constructor's services (<c>ActivatorUtilities</c>), as SignalR's
    /// <c>AddFilter&lt;T&gt;</c>.
    /// </summary>
    /// <typeparam name="TFilter">The filter type.</typeparam>
    /// <param name="options">The options.</param>
    /// <returns>The options, for chaining.</returns>
    public static ConsumerOptions AddFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>(this ConsumerOptions options)
        where TFilter : class, IConsumerFilter
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Filters.Add(static services => ActivatorUtilities.GetServiceOrCreateInstance<TFilter>(services));
        return options;
    }

    /// <summary>Runs <paramref name="filter"/>, one instance shared by every connection, around every action (see <see cref="AddFilter{TFilter}(ConsumerOptions)"/>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="filter">The filter; it must be safe to call from several connections at once.</param>
    /// <returns>The options, for chaining.</returns>
    public static ConsumerOptions AddFilter(this ConsumerOptions options, IConsumerFilter filter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(filter);
        options.Filters.Add(_ => filter);
        return options;
    }
}
