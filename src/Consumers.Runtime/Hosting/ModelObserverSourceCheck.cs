using Consumers.Observers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Consumers.Hosting;

/// <summary>
/// Warns once, when the host starts, about each EF Core context registered in DI whose options do not call
/// <c>AddModelObservers(sp)</c> while model observers exist: its saves would notify no one, silently. The runtime
/// knows no EF Core type: a context is found by its <c>Microsoft.EntityFrameworkCore.DbContextOptions&lt;T&gt;</c>
/// registration, whose options are built once in a scope (as the first request would) so that
/// <c>AddModelObservers</c> can attach it to <see cref="ModelChangeSources"/>.
/// </summary>
internal sealed partial class ModelObserverSourceCheck(
    IServiceProvider services,
    RegisteredServices registered,
    ObserverRegistry observers,
    ModelChangeSources sources,
    ILogger<ModelObserverSourceCheck> logger) : IHostedService
{
    private const string DbContextOptions = "Microsoft.EntityFrameworkCore.DbContextOptions`1";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var models = observers.ObservedModels;
        if (models.Count == 0)
        {
            return Task.CompletedTask;
        }

        var contexts = registered.Services
            .Select(d => d.ServiceType)
            .Where(t => t.IsConstructedGenericType && t.GetGenericTypeDefinition().FullName == DbContextOptions)
            .Distinct()
            .ToList();
        if (contexts.Count == 0)
        {
            return Task.CompletedTask;
        }

        using var scope = services.CreateScope();
        foreach (var optionsType in contexts)
        {
            var context = optionsType.GetGenericArguments()[0];
            try
            {
                _ = scope.ServiceProvider.GetService(optionsType);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Options that cannot be built here (a connection string read later...) are left to the application.
                continue;
            }

            if (!sources.IsAttached(context))
            {
                ContextWithoutObservers(logger, context.Name, string.Join(", ", models.Select(m => m.Name).Order(StringComparer.Ordinal)));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(401, LogLevel.Warning,
        "Model observers of {Models} are registered, but changes saved through the DbContext {Context} are not published to them: " +
        "add AddModelObservers(sp) to its options, e.g. services.AddDbContext<{Context}>((sp, o) => o.UseSqlite(...).AddModelObservers(sp)). " +
        "Until then subscribers of these observers get no notification from its saves.",
        EventName = "ContextWithoutModelObservers")]
    private static partial void ContextWithoutObservers(ILogger logger, string context, string models);
}
