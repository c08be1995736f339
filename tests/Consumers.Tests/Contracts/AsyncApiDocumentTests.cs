using System.Net;
using System.Text.Json;
using Consumers.Contracts;
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

    private static string[] Security(JsonElement operation)
        => operation.TryGetProperty("security", out var security) ? [.. security.EnumerateArray().Select(r => r.GetProperty("$ref").GetString()!)] : [];

    private static IEnumerable<JsonElement> OperationsOf(JsonElement document, string channel)
        => document.GetProperty("operations").EnumerateObject().Select(o => o.Value)
            .Where(o => o.GetProperty("channel").GetProperty("$ref").GetString() == "#/channels/" + channel);

    [Test]
    public async Task AnEndpointThatRequiresAuthorization_ListsTheSchemesOnEachOperation_OpenEndpointsNone()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<MembersConsumer>("/ws/members");
            e.MapConsumer<EchoConsumer>("/ws/echo");
            e.MapConsumer<OpenConsumer>("/ws/open");
            e.MapConsumer<EchoConsumer>("/ws/echo-secured").RequireAuthorization();
            e.MapAsyncApi();
        }, "/consumers/asyncapi.json");

        var scheme = At(document, "components", "securitySchemes", "access_token");
        Assert.Multiple(() =>
        {
            Assert.That(At(scheme, "type").GetString(), Is.EqualTo("httpApiKey"));
            Assert.That(At(scheme, "in").GetString(), Is.EqualTo("query"));
            Assert.That(At(scheme, "name").GetString(), Is.EqualTo("access_token"));
            Assert.That(OperationsOf(document, "ws_members").Select(Security), Is.Not.Empty.And.All.EqualTo(new[] { "#/components/securitySchemes/access_token" }), "class-level [Authorize]");
            Assert.That(OperationsOf(document, "ws_echo-secured").Select(Security), Is.Not.Empty.And.All.EqualTo(new[] { "#/components/securitySchemes/access_token" }), "RequireAuthorization() on the endpoint");
            Assert.That(OperationsOf(document, "ws_echo").Select(Security), Is.Not.Empty.And.All.Empty);
            Assert.That(OperationsOf(document, "ws_open").Select(Security), Is.Not.Empty.And.All.Empty, "[AllowAnonymous] cancels the base's [Authorize]");
        });
    }

    [Test]
    public async Task ConfiguredSchemes_AreListed_AnyOneSatisfiesTheOperation()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<MembersConsumer>("/ws/members");
            e.MapAsyncApi(configure: o =>
            {
                o.SecuritySchemes["cookie"] = AsyncApiSecurityScheme.Cookie("app.auth");
                o.SecuritySchemes["bearer"] = AsyncApiSecurityScheme.BearerHeader();
            });
        }, "/consumers/asyncapi.json");

        Assert.Multiple(() =>
        {
            Assert.That(document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "cookie", "bearer" }));
            Assert.That(At(document, "components", "securitySchemes", "cookie", "in").GetString(), Is.EqualTo("cookie"));
            Assert.That(At(document, "components", "securitySchemes", "cookie", "name").GetString(), Is.EqualTo("app.auth"));
            Assert.That(At(document, "components", "securitySchemes", "bearer", "scheme").GetString(), Is.EqualTo("bearer"));
            Assert.That(At(document, "components", "securitySchemes", "bearer", "bearerFormat").GetString(), Is.EqualTo("JWT"));
            Assert.That(OperationsOf(document, "ws_members").Select(Security), Is.Not.Empty.And.All.EqualTo(new[] { "#/components/securitySchemes/cookie", "#/components/securitySchemes/bearer" }));
        });
    }

    [Test]
    public async Task WithoutAnEndpointThatRequiresAuthorization_ThereAreNoSchemes()
    {
        var document = await GetDocumentAsync(e =>
        {
            e.MapConsumer<EchoConsumer>("/ws/echo");
            e.MapAsyncApi(configure: o => o.SecuritySchemes["cookie"] = AsyncApiSecurityScheme.Cookie("app.auth"));
        }, "/consumers/asyncapi.json");

        Assert.That(document.GetProperty("components").TryGetProperty("securitySchemes", out _), Is.False);
    }

    [Test]
    public void BadSchemes_AreRefusedWhenTheDocumentIsMapped_SayingWhy()
    {
        var app = WebApplication.CreateSlimBuilder();
        app.Services.AddConsumers();
        using var built = app.Build();
        Assert.Multiple(() =>
        {
            Assert.That(() => new AsyncApiSecurityScheme("bearer"), Throws.ArgumentException.With.Message.Contains("no AsyncAPI 3.0 security scheme type"));
            Assert.That(
                () => built.MapAsyncApi("/a.json", o => o.SecuritySchemes["my scheme"] = AsyncApiSecurityScheme.QueryToken()),
                Throws.ArgumentException.With.Message.Contains("\"my scheme\" is no valid AsyncAPI security scheme key"));
            Assert.That(
                () => built.MapAsyncApi("/b.json", o => o.SecuritySchemes["key"] = new AsyncApiSecurityScheme("httpApiKey") { Name = "k", In = "body" }),
                Throws.ArgumentException.With.Message.Contains("needs a Name and In"));
            Assert.That(
                () => built.MapAsyncApi("/c.json", o => o.SecuritySchemes["http"] = new AsyncApiSecurityScheme("http")),
                Throws.ArgumentException.With.Message.Contains("needs a Scheme"));
        });
    }
}
