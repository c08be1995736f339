using Consumers.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Wires EF Core into Consumers' model observers.</summary>
public static class ConsumersDbContextOptionsExtensions
{
    /// <summary>
    /// Publishes the context's saved changes to the model observers (see <see cref="ModelChangeInterceptor"/>):
    /// <c>services.AddDbContext&lt;ChatDb&gt;((sp, o) =&gt; o.UseSqlite(...).AddModelObservers(sp))</c>.
    /// </summary>
    /// <param name="options">The context's options.</param>
    /// <param name="services">The application's services (after <c>AddConsumers()</c>).</param>
    /// <returns>The options, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddConsumers()</c> was not called.</exception>
    public static DbContextOptionsBuilder AddModelObservers(this DbContextOptionsBuilder options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        var publisher = services.GetService<Consumers.IModelChangePublisher>()
            ?? throw new InvalidOperationException("AddModelObservers needs the Consumers runtime: call services.AddConsumers() first.");
        services.GetService<Consumers.Observers.ModelChangeSources>()?.Attach(options.Options.ContextType);
        return options.AddInterceptors(new ModelChangeInterceptor(publisher));
    }
}
