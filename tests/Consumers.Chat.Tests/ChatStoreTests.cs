using Chat.Data;

namespace Consumers.Chat.Tests;

/// <summary>ConnectionStrings:Chat picks the engine: SQLite by default and for a file, PostgreSQL for a server, a clear error otherwise.</summary>
[TestFixture]
public sealed class ChatStoreTests
{
    [Test]
    public void NoConnectionString_IsTheSqliteFileInTheDataFolder()
    {
        var store = ChatStore.From(null, "/srv/chat");
        Assert.Multiple(() =>
        {
            Assert.That(store.Provider, Is.EqualTo(ChatProvider.Sqlite));
            Assert.That(store.ConnectionString, Is.EqualTo("Data Source=/srv/chat/data/chat.db"));
            Assert.That(store.DataFolder, Is.EqualTo("/srv/chat/data"));
        });
    }

    [TestCase("Host=db.internal;Database=chat;Username=chat;Password=secret")]
    [TestCase("Server=127.0.0.1;Port=5433;Database=chat")]
    public void AServer_IsPostgreSql_WithoutADataFolder(string connectionString)
    {
        var store = ChatStore.From(connectionString, "/srv/chat");
        Assert.Multiple(() =>
        {
            Assert.That(store.Provider, Is.EqualTo(ChatProvider.PostgreSql));
            Assert.That(store.DataFolder, Is.Null, "keys go to the database");
        });
    }

    [Test]
    public void NeitherAFileNorAServer_IsRefusedSayingWhatIsExpected()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChatStore.From("Database=chat;User=me", "/srv/chat"));
        Assert.That(error!.Message, Does.Contain("names neither a SQLite file").And.Contain("Host="));
    }

    [Test]
    public void APostgreSqlStringWithAnUnknownKeyword_IsRefusedAtStartUp()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChatStore.From("Host=db;Colour=blue", "/srv/chat"));
        Assert.That(error!.Message, Does.Contain("not a valid PostgreSQL connection string").And.Contain("colour"));
    }

    [Test]
    public void AnUnreadableString_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChatStore.From("Host", "/srv/chat"));
        Assert.That(error!.Message, Does.Contain("ConnectionStrings:Chat cannot be read"));
    }
}
