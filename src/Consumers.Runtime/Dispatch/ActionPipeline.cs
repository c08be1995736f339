using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Dispatch;

/// <summary>
/// What runs around every action of the application, from <c>AddConsumers(o =&gt; ...)</c>: the global filters
/// (<c>o.AddFilter&lt;T&gt;()</c>) and whether DTO arguments are validated (<c>o.ValidateDataAnnotations</c>). A singleton;
/// each consumer of a connection resolves its filter instances once (<see cref="FiltersFor"/>).
/// </summary>
internal sealed class ActionPipeline
{
    /// <summary>No filters, validation on: what a dispatch without <c>AddConsumers</c>' services sees.</summary>
    public static ActionPipeline Default { get; } = new([], validateDataAnnotations: true);

    private readonly Func<IServiceProvider, IConsumerFilter>[] _filters;

    public ActionPipeline(IReadOnlyList<Func<IServiceProvider, object>> filters, bool validateDataAnnotations)
    {
        _filters = [.. filters.Select(static create => (Func<IServiceProvider, IConsumerFilter>)(services => (IConsumerFilter)create(services)))];
        ValidateDataAnnotations = validateDataAnnotations;
    }

    /// <summary>Whether generated binders validate the DataAnnotations of DTO arguments.</summary>
    public bool ValidateDataAnnotations { get; }

    /// <summary>The pipeline of a connection: the application's, from its scope.</summary>
    public static ActionPipeline Of(IServiceProvider services) => services.GetService<ActionPipeline>() ?? Default;

    /// <summary>The global filters of one connection, created from its DI scope (empty, and nothing allocated, when there are none).</summary>
    /// <param name="services">The connection's scope.</param>
    public IConsumerFilter[] FiltersFor(IServiceProvider services)
    {
        if (_filters.Length == 0)
        {
            return [];
        }

        var filters = new IConsumerFilter[_filters.Length];
        for (var i = 0; i < filters.Length; i++)
        {
            filters[i] = _filters[i](services);
        }

        return filters;
    }
}
