using Consumers.Tests.Databases;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consumers.Observers.Tests;

/// <summary>A DbContext whose saves never reach the observers (no AddModelObservers) is named in a start-up warning.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ObserverSourceCheckTests
{
    [Test]
    public async Task ContextWithoutAddModelObservers_IsAStartupWarningNamingTheFix_LoggedOnce()
    {
        await using (var host = await TestHost.StartAsync(
            app => app.MapConsumer<MessageConsumer>("/ws/messages"),
            services: services => services.AddDbContext<UnobservedDb>(o => o.UseSqlite("Data Source=:memory:"))))
        {
            await using var scope = host.Services.CreateAsyncScope();
            _ = scope.ServiceProvider.GetRequiredService<UnobservedDb>();
        }

        var warnings = Warnings("UnobservedDb");
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(warnings[0].Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(warnings[0].Message, Does.Contain("services.AddDbContext<UnobservedDb>((sp, o) => o.UseSqlite(...).AddModelObservers(sp))"));
            Assert.That(warnings[0].Message, Does.Contain("Model observers of Message"));
        });
    }

    [Test]
    public async Task ContextWithAddModelObservers_GetsNoWarning()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite, "source-check");
        await using var host = await ObserverTests.StartHostAsync(database);
        Assert.That(Warnings("ChatDb"), Is.Empty);
    }

    private static List<CapturingLoggerProvider.LogEntry> Warnings(string context)
        => [.. CapturingLoggerProvider.Instance.Entries.Where(e => e.EventId.Name == "ContextWithoutModelObservers" && e.Message.Contains($"DbContext {context} ", StringComparison.Ordinal))];
}

/// <summary>A context registered without AddModelObservers.</summary>
public sealed class UnobservedDb(DbContextOptions<UnobservedDb> options) : DbContext(options);
