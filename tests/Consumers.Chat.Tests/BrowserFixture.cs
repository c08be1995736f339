namespace Consumers.Chat.Tests;

/// <summary>
/// One chromium for the fixture's tests, and a fresh folder per test for the chat's database (and a nats-server's
/// JetStream store).
/// </summary>
public abstract class BrowserFixture
{
    private string _directory = null!;

    /// <summary>The fixture's browser.</summary>
    private protected Browser Chromium { get; private set; } = null!;

    /// <summary>The test's folder.</summary>
    protected string Folder => _directory;

    /// <summary>The chat database in the test's folder.</summary>
    protected string Database => Path.Combine(_directory, "chat.db");

    [OneTimeSetUp]
    public async Task LaunchBrowser() => Chromium = await Browser.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseBrowser() => await Chromium.DisposeAsync();

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-browser-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);
}
