using Consumers.Tests.Infrastructure;

namespace Consumers.Observers.Tests;

/// <summary>A fresh observer host (<see cref="ObserverTests.StartHostAsync"/>) on its own SQLite file for every test.</summary>
public abstract class ObserverHostFixture
{
    private string _directory = null!;

    /// <summary>The test's host.</summary>
    private protected TestHost Host { get; private set; } = null!;

    /// <summary>The test's database file.</summary>
    protected string Database => Path.Combine(_directory, "chat.db");

    [SetUp]
    public async Task StartHost()
    {
        _directory = Directory.CreateTempSubdirectory("consumers-observers-").FullName;
        Host = await ObserverTests.StartHostAsync(Database);
    }

    [TearDown]
    public async Task StopHost()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Replaces the test's host by one on the same database with other options.</summary>
    /// <param name="configure">The options.</param>
    private protected async Task RestartHostAsync(Action<ConsumerOptions> configure)
    {
        await Host.DisposeAsync();
        Host = await ObserverTests.StartHostAsync(Database, configure: configure);
    }
}
