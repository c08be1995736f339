using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using ConsumersApp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;

namespace TemplateTests;

/// <summary>
/// The app's TodoConsumer in process (ASP.NET Core's TestServer, no port), as Channels' WebsocketCommunicator tests a
/// consumer: a reply, a 400, a notification and a refusal. Every receive waits at most 5 s, then fails listing the
/// frames that did arrive.
/// </summary>
public sealed class TodoConsumerTests
{
    private string _database = null!;
    private WebApplicationFactory<Program> _app = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        // A database of the tests' own: the app reads the connection string "Todo".
        _database = Path.Combine(Path.GetTempPath(), $"todo-tests-{Guid.NewGuid():N}.db");
        _app = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Todo", $"Data Source={_database};Pooling=false"));
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        await _app.DisposeAsync();
        File.Delete(_database);
    }

    [Test]
    public async Task Add_RepliesWithTheNewItem()
    {
        await using var todos = await _app.ConnectAsync("/ws/todos");

        var reply = await todos.RequestAsync("""{"action": "add", "list_id": 1, "data": {"title": "Milk"}, "request_id": 1}""");

        Assert.That(reply.ResponseStatus, Is.EqualTo(200));
        var item = reply.DataAs(TodoJson.Default.TodoDto)!;   // read with the wire's snake_case names
        Assert.That((item.ListId, item.Title, item.Done), Is.EqualTo((1, "Milk", false)));
    }

    [Test]
    public async Task Add_WithoutATitle_Is400_NamingTheField()
    {
        await using var todos = await _app.ConnectAsync("/ws/todos");

        var reply = await todos.RequestAsync("""{"action": "add", "list_id": 1, "data": {"title": " "}, "request_id": 2}""");

        Assert.That(reply.ResponseStatus, Is.EqualTo(400));
        Assert.That(reply.ErrorMessages, Is.EqualTo(new[] { "title: Give the item a title." }));
    }

    [Test]
    public async Task Watch_ThenAnotherClientAdds_NotifiesTheWatcher()
    {
        await using var watcher = await _app.ConnectAsync("/ws/todos");
        await using var other = await _app.ConnectAsync("/ws/todos");
        await watcher.RequestAsync("""{"action": "watch", "list_id": 2, "request_id": "w"}""");   // the watch's own reply first

        await other.RequestAsync("""{"action": "add", "list_id": 2, "data": {"title": "Eggs"}, "request_id": 1}""");
        var change = await watcher.ReceiveNotificationAsync("w", TodoJson.Default.TodoDto);

        Assert.That(change.Action, Is.EqualTo("create"));
        Assert.That(change.Data!.Title, Is.EqualTo("Eggs"));
    }

    [Test]
    public async Task Clear_ByAnAnonymousUser_IsRefusedWith401_AndTheConnectionStaysOpen()
    {
        await using var todos = await _app.ConnectAsync("/ws/todos");

        var refused = await todos.RequestAsync("""{"action": "clear", "list_id": 1, "request_id": 3}""");
        var after = await todos.RequestAsync("""{"action": "list", "list_id": 3, "request_id": 4}""");

        Assert.That(refused.ResponseStatus, Is.EqualTo(401));
        Assert.That(refused.ErrorMessages, Is.EqualTo(new[] { "Authentication credentials were not provided." }));
        Assert.That(after.ResponseStatus, Is.EqualTo(200));
    }
}
