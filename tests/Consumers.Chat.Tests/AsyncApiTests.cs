namespace Consumers.Chat.Tests;

/// <summary>The chat's AsyncAPI document, checked by the npm package @asyncapi/parser (3.x).</summary>
[TestFixture]
[NonParallelizable]
public sealed class AsyncApiTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-asyncapi-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task ChatDocument_ParsesWithoutErrorDiagnostics()
    {
        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"));

        var (code, output) = await NodeScripts.RunAsync("parse-asyncapi.mjs", app.Url + "/consumers/asyncapi.json");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("OK: AsyncAPI 3.0.0, 3 channels"), output);

        // The observer's notifications are an operation the server sends, with the observer's DTO as data.
        using var http = new HttpClient();
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(app.Url + "/consumers/asyncapi.json"));
        var operation = document.RootElement.GetProperty("operations").GetProperty("ws_rooms.message_activity");
        var notification = document.RootElement.GetProperty("channels").GetProperty("ws_rooms").GetProperty("messages").GetProperty("message_activity.notification");
        Assert.Multiple(() =>
        {
            Assert.That(operation.GetProperty("action").GetString(), Is.EqualTo("send"));
            Assert.That(
                document.RootElement.GetProperty("operations").GetProperty("ws_rooms.join_room").GetProperty("description").GetString(),
                Does.StartWith("join_room: the caller is present in the room"),
                "the XML doc summary is the operation's description");
            Assert.That(notification.GetProperty("payload").GetProperty("properties").GetProperty("data").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/MessageDto"));
        });

        // The typed push RoomConsumer declares ([Pushes(typeof(PresenceChange))]): a send operation with its envelope.
        var presence = document.RootElement.GetProperty("operations").GetProperty("ws_rooms.presence.event");
        var presenceMessage = document.RootElement.GetProperty("channels").GetProperty("ws_rooms").GetProperty("messages").GetProperty("presence.event");
        var presenceProperties = presenceMessage.GetProperty("payload").GetProperty("properties");
        Assert.Multiple(() =>
        {
            Assert.That(presence.GetProperty("action").GetString(), Is.EqualTo("send"));
            Assert.That(presence.GetProperty("description").GetString(), Does.StartWith("Someone came into a room or left it"));
            Assert.That(presence.GetProperty("messages")[0].GetProperty("$ref").GetString(), Is.EqualTo("#/channels/ws_rooms/messages/presence.event"));
            Assert.That(presenceProperties.GetProperty("action").GetProperty("const").GetString(), Is.EqualTo("presence"));
            Assert.That(presenceProperties.GetProperty("request_id").GetProperty("type").GetString(), Is.EqualTo("null"));
            Assert.That(presenceProperties.GetProperty("data").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/PresenceChange"));
            Assert.That(
                document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("PresenceChange").GetProperty("properties").EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "room", "user", "joined" }));
        });

        // Only the actions RoomConsumer offers (its Actions leave out update and patch, which would answer 405), and the
        // signed-in user's cookie or token on every operation of the rooms endpoints (and of the tutorial's room, also [Authorize]).
        var roomOperations = document.RootElement.GetProperty("operations").EnumerateObject()
            .Where(o => o.Name.StartsWith("ws_rooms.", StringComparison.Ordinal) || o.Name.StartsWith("ws__rooms.", StringComparison.Ordinal)).ToList();
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Multiple(() =>
        {
            Assert.That(roomOperations.Select(o => o.Name), Has.None.EndsWith(".update").And.None.EndsWith(".patch"));
            Assert.That(roomOperations.Select(o => o.Name), Is.SupersetOf(new[] { "ws_rooms.list", "ws_rooms.retrieve", "ws_rooms.create", "ws_rooms.delete", "ws_rooms.subscribe_instance", "ws_rooms.unsubscribe_instance", "ws_rooms.join_room", "ws__rooms.create" }));
            Assert.That(
                roomOperations.Select(o => string.Join(" ", o.Value.GetProperty("security").EnumerateArray().Select(r => r.GetProperty("$ref").GetString()))),
                Is.All.EqualTo("#/components/securitySchemes/cookie #/components/securitySchemes/access_token"));
            Assert.That(schemes.GetProperty("cookie").GetProperty("name").GetString(), Is.EqualTo("chat.auth"));
            Assert.That(schemes.GetProperty("cookie").GetProperty("in").GetString(), Is.EqualTo("cookie"));
            Assert.That(schemes.GetProperty("access_token").GetProperty("in").GetString(), Is.EqualTo("query"));
            Assert.That(document.RootElement.GetProperty("operations").GetProperty("ws_chat__room_name_.receive").GetProperty("security").GetArrayLength(), Is.EqualTo(2));
        });

        // The Channels tutorial's room is a plain JSON consumer: its frame in, {"error"} out, no envelope.
        var operations = document.RootElement.GetProperty("operations");
        var tutorial = document.RootElement.GetProperty("channels").GetProperty("ws_chat__room_name_");
        Assert.Multiple(() =>
        {
            Assert.That(operations.GetProperty("ws_chat__room_name_.receive").GetProperty("action").GetString(), Is.EqualTo("receive"));
            Assert.That(operations.GetProperty("ws_chat__room_name_.error").GetProperty("action").GetString(), Is.EqualTo("send"));
            Assert.That(tutorial.GetProperty("messages").GetProperty("message").GetProperty("payload").GetProperty("$ref").GetString(), Is.EqualTo("#/components/schemas/TutorialMessage"));
            Assert.That(tutorial.GetProperty("messages").GetProperty("error").GetProperty("payload").GetProperty("required")[0].GetString(), Is.EqualTo("error"));
        });
    }

    [Test]
    public async Task ParserCheck_FailsOnADocumentWithErrors()
    {
        // A channel that references a message which does not exist, and no info.version: the check must say so.
        var broken = Path.Combine(_directory, "broken.json");
        await File.WriteAllTextAsync(broken, """
            {"asyncapi": "3.0.0", "info": {"title": "x"},
             "channels": {"a": {"address": "/a"}},
             "operations": {"o": {"action": "receive", "channel": {"$ref": "#/channels/missing"}}}}
            """);

        var (code, output) = await NodeScripts.RunAsync("parse-asyncapi.mjs", broken);

        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("FAILED"), output);
    }
}
