using Consumers.Tests.Databases;
using Consumers.Tests.Infrastructure;

namespace Consumers.Observers.Tests;

/// <summary>A fresh observer host (<see cref="ObserverTests.StartHostAsync"/>) on a fresh database for every test (SQLite unless the fixture names another engine).</summary>
public abstract class ObserverHostFixture(DatabaseKind kind = DatabaseKind.Sqlite)
{
    /// <summary>The test's host.</summary>
    private protected TestHost Host { get; private set; } = null!;

    /// <summary>The test's database.</summary>
    private protected TestDatabase Database { get; private set; } = null!;

    [SetUp]
    public async Task StartHost()
    {
        Database = await TestDatabase.CreateAsync(kind, "observers");
        Host = await ObserverTests.StartHostAsync(Database);
    }

    [TearDown]
    public async Task StopHost()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Replaces the test's host by one on the same database with other options.</summary>
    /// <param name="configure">The options.</param>
    private protected async Task RestartHostAsync(Action<ConsumerOptions> configure)
    {
        await Host.DisposeAsync();
        Host = await ObserverTests.StartHostAsync(Database, configure: configure);
    }
}
