using System.Net;
using System.Text.Json;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Contracts;

/// <summary>
/// The AsyncAPI document of mapped consumers: channels per endpoint and stream, request keys with their required and
/// nullable flags, reply envelopes with the result schema, snake_case DTO schemas from the source-generated metadata
/// (this suite runs with reflection-based serialization disabled).
/// </summary>
[TestFixture]
public sealed class AsyncApiDocumentTests
{
    private static async Task<JsonElement> GetDocumentAsync(Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder> map, string path)
    {
        await using var host = await TestHost.StartAsync(map, services: s => s.AddSingleton(new Counter()));
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var response = await http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement At(JsonElement element, params string[] path)
    {
        foreach (var key in path)
        {
            element = element.ValueKind == JsonValueKind.Array ? element[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] : element.GetProperty(key);
        }

        return element;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Test]
    public async Task DefaultPath_ServesAnAsyncApi3Document_WithTheHostsApplicationName()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<EchoConsumer>("/ws/echo");
            e.MapAsyncApi();
        }, "/consumers/asyncapi.json");

        Assert.Multiple(() =>
        {
            Assert.That(At(document, "asyncapi").GetString(), Is.EqualTo("3.0.0"));
            Assert.That(At(document, "info", "version").GetString(), Is.EqualTo("1.0.0"));
            Assert.That(At(document, "info", "title").GetString(), Is.Not.Empty);
            Assert.That(At(document, "channels", "ws_echo", "address").GetString(), Is.EqualTo("/ws/echo"));
        });
    }

    [Test]
    public async Task Requests_ListTheirKeys_RequiredUnlessNullableOrDefaulted()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapAsyncApi("/api.json", o => (o.Title, o.Version) = ("Echo", "2.1"));
            e.MapConsumer<EchoConsumer>("/ws/echo");
        }, "/api.json");

        var messages = At(document, "channels", "ws_echo", "messages");
        var greet = At(messages, "greet.request", "payload");
        var echo = At(messages, "echo.request", "payload");
        Assert.Multiple(() =>
        {
            Assert.That(At(document, "info", "title").GetString(), Is.EqualTo("Echo"));
            Assert.That(At(document, "info", "version").GetString(), Is.EqualTo("2.1"));
            Assert.That(At(greet, "properties", "action", "const").GetString(), Is.EqualTo("greet"));
            Assert.That(Strings(At(greet, "required")), Is.EqualTo(new[] { "action", "name" }), "times is int?, the token is the framework's");
            Assert.That(At(greet, "properties", "name", "type").GetString(), Is.EqualTo("string"));
            Assert.That(At(greet, "properties", "times", "anyOf", "1", "type").GetString(), Is.EqualTo("null"));
            Assert.That(greet.GetProperty("properties").TryGetProperty("cancellation_token", out _), Is.False);
            Assert.That(Strings(At(echo, "required")), Is.EqualTo(new[] { "action", "text" }), "repeat has a default");
            Assert.That(At(echo, "properties", "repeat", "type").GetString(), Is.EqualTo("integer"));
        });
    }

    [Test]
    public async Task Replies_AreTheFiveKeyEnvelope_WithTheResultSchemaFromTheJsonContext()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<EchoConsumer>("/ws/echo");
            e.MapAsyncApi();
        }, "/consumers/asyncapi.json");

        var reply = At(document, "channels", "ws_echo", "messages", "greet.reply", "payload");
        var nothing = At(document, "channels", "ws_echo", "messages", "nothing.reply", "payload");
        var greeting = At(document, "components", "schemas", "Greeting");
        var operation = At(document, "operations", "ws_echo.greet");
        Assert.Multiple(() =>
        {
            Assert.That(Strings(At(reply, "required")), Is.EquivalentTo(new[] { "errors", "data", "action", "response_status", "request_id" }));
            Assert.That(At(reply, "properties", "data", "anyOf", "0", "$ref").GetString(), Is.EqualTo("#/components/schemas/Greeting"));
            Assert.That(At(nothing, "properties", "data", "type").GetString(), Is.EqualTo("null"));
            Assert.That(greeting.GetProperty("properties").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "text", "count" }), "snake_case from the context");
            Assert.That(At(operation, "action").GetString(), Is.EqualTo("receive"));
            Assert.That(At(operation, "messages", "0", "$ref").GetString(), Is.EqualTo("#/channels/ws_echo/messages/greet.request"));
            Assert.That(At(operation, "reply", "messages", "0", "$ref").GetString(), Is.EqualTo("#/channels/ws_echo/messages/greet.reply"));
        });
    }

    [Test]
    public async Task MultiplexedStreams_AreChannelsOfTheirOwn_WithFramesWrappedInStreamAndPayload()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumers("/ws", s => s.Add<EchoConsumer>("echo").Add<RoomConsumer>("rooms"));
            e.MapAsyncApi();
        }, "/consumers/asyncapi.json");

        var echo = At(document, "channels", "ws__echo");
        var request = At(echo, "messages", "add.request");
        Assert.Multiple(() =>
        {
            Assert.That(At(echo, "address").GetString(), Is.EqualTo("/ws"));
            Assert.That(At(document, "channels", "ws__rooms", "address").GetString(), Is.EqualTo("/ws"));
            Assert.That(At(request, "payload", "properties", "stream", "const").GetString(), Is.EqualTo("echo"));
            Assert.That(At(request, "payload", "properties", "payload", "properties", "action", "const").GetString(), Is.EqualTo("add"));
            Assert.That(At(request, "correlationId", "location").GetString(), Is.EqualTo("$message.payload#/payload/request_id"));
        });
    }

    [Test]
    public async Task RouteValues_BecomeChannelParameters_WithoutTheirConstraints()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<EchoConsumer>("/ws/echo/{room:int}");
            e.MapAsyncApi();
        }, "/consumers/asyncapi.json");

        var channel = document.GetProperty("channels").EnumerateObject().Single().Value;
        Assert.Multiple(() =>
        {
            Assert.That(At(channel, "address").GetString(), Is.EqualTo("/ws/echo/{room}"));
            Assert.That(channel.GetProperty("parameters").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "room" }));
        });
    }

    [Test]
    public async Task NoConsumerEndpoint_GivesADocumentWithoutChannels()
    {
        var document = await GetDocumentAsync(e => e.MapAsyncApi(), "/consumers/asyncapi.json");

        Assert.That(document.GetProperty("channels").EnumerateObject(), Is.Empty);
    }
}
