using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Consumers.Testing.Communication;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>The rules of docs/protocol.md over a real socket on a plain endpoint.</summary>
[TestFixture]
public sealed class ProtocolTests
{
    private TestHost _host = null!;
    private ConsumerCommunicator _client = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app => app.MapConsumer<EchoConsumer>("/ws/echo"),
        o =>
        {
            o.MaxMessageSize = 64 * 1024;

            // A thousand pipelined requests are far past the default burst of 200: the rate limit has its own tests.
            o.RateLimitPerSecond = 0;
        },
        s => s.AddScoped<Counter>());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public async Task Connect() => _client = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/echo"));

    [TearDown]
    public async Task Disconnect() => await _client.DisposeAsync();

    [Test]
    public void ReflectionBasedSerialization_IsOffInThisSuite()
        => Assert.That(JsonSerializer.IsReflectionEnabledByDefault, Is.False);

    [Test]
    public async Task Success_ReturnsTheFiveKeyEnvelope_InDcrfOrder()
    {
        var text = await SendRawAsync("""{"action": "add", "a": 2, "b": 3, "request_id": "c0ffee"}""");
        Assert.That(text, Is.EqualTo("""{"errors":[],"data":5,"action":"add","response_status":200,"request_id":"c0ffee"}"""));
    }

    [TestCase("\"abc\"")]
    [TestCase("42")]
    [TestCase("4.5")]
    [TestCase("null")]
    [TestCase("true")]
    [TestCase("{\"a\":[1,{\"b\":null}]}")]
    [TestCase("[1,\"x\"]")]
    public async Task RequestId_IsEchoedWithItsJsonType(string requestId)
    {
        var reply = await _client.RequestAsync($$"""{"action": "add", "a": 1, "b": 1, "request_id": {{requestId}}}""");
        Assert.That(reply.RequestId.GetRawText(), Is.EqualTo(requestId));
    }

    [Test]
    public async Task AbsentRequestId_IsEchoedAsNull()
    {
        var text = await SendRawAsync("""{"action": "add", "a": 1, "b": 1}""");
        Assert.That(text, Does.EndWith("\"request_id\":null}"));
    }

    [Test]
    public async Task ActionReturningNothing_Replies200WithNullData()
    {
        var reply = await _client.RequestAsync("""{"action": "nothing", "request_id": 1}""");
        AssertEnvelope(reply, 200, "nothing", data: "null", errors: "[]");
    }

    [Test]
    public async Task TaskAction_RepliesAfterItCompletes()
    {
        var reply = await _client.RequestAsync("""{"action": "delay", "milliseconds": 20, "request_id": 1}""");
        AssertEnvelope(reply, 200, "delay", data: "null", errors: "[]");
    }

    [Test]
    public async Task AsyncAction_WithDtoResult_UsesTheJsonContext()
    {
        var reply = await _client.RequestAsync("""{"action": "greet", "name": "Ada", "times": 3, "request_id": 1}""");
        AssertEnvelope(reply, 200, "greet", data: """{"text":"Hello, Ada!","count":3}""", errors: "[]");
    }

    [Test]
    public async Task OptionalParameters_TakeTheirDefaults()
    {
        var greet = await _client.RequestAsync("""{"action": "greet", "name": "Ada"}""");
        var echo = await _client.RequestAsync("""{"action": "echo", "text": "ab"}""");
        Assert.Multiple(() =>
        {
            Assert.That(greet.Data.GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(echo.Data.GetString(), Is.EqualTo("ab"));
        });
    }

    [Test]
    public async Task Create_Replies201WithTheObject()
    {
        var reply = await _client.RequestAsync("""{"action": "create", "data": {"name": "Lobby"}, "request_id": "r"}""");
        AssertEnvelope(reply, 201, "create", data: """{"pk":7,"name":"Lobby","capacity":10}""", errors: "[]");
    }

    [Test]
    public async Task ValidationFailure_Replies400WithFieldErrors()
    {
        var reply = await _client.RequestAsync("""{"action": "create", "data": {"name": ""}, "request_id": "r"}""");
        AssertEnvelope(reply, 400, "create", data: "null", errors: """[{"name":["This field may not be blank."]}]""");
    }

    [Test]
    public async Task Delete_Replies204WithNullData()
    {
        var reply = await _client.RequestAsync("""{"action": "delete", "pk": 7}""");
        AssertEnvelope(reply, 204, "delete", data: "null", errors: "[]");
    }

    [Test]
    public async Task MissingObject_Replies404NotFound()
    {
        var reply = await _client.RequestAsync("""{"action": "retrieve", "pk": 8, "request_id": 3}""");
        AssertEnvelope(reply, 404, "retrieve", data: "null", errors: """["Not found"]""");
    }

    [Test]
    public async Task PermissionDenied_Replies403()
    {
        var reply = await _client.RequestAsync("""{"action": "forbidden"}""");
        AssertEnvelope(reply, 403, "forbidden", data: "null", errors: """["You do not have permission to perform this action."]""");
    }

    [Test]
    public async Task NotAuthenticated_Replies401()
    {
        var reply = await _client.RequestAsync("""{"action": "secret"}""");
        AssertEnvelope(reply, 401, "secret", data: "null", errors: """["Authentication credentials were not provided."]""");
    }

    [Test]
    public async Task UnknownAction_Returns405_AndKeepsConnectionOpen()
    {
        var text = await SendRawAsync("""{"action": "nope", "request_id": 9}""");
        Assert.That(text, Is.EqualTo("""{"errors":["Method \"nope\" not allowed."],"data":null,"action":"nope","response_status":405,"request_id":9}"""));
        await AssertStillServesAsync();
    }

    [Test]
    public async Task MissingAction_Returns405WithNullAction()
    {
        var reply = await _client.RequestAsync("""{"request_id": 9}""");
        Assert.That(reply.RawJson, Is.EqualTo("""{"errors":["Unable to find action in message body."],"data":null,"action":null,"response_status":405,"request_id":9}"""));
        await AssertStillServesAsync();
    }

    [TestCase("{\"action\": \"add\", ")]
    [TestCase("{\"action\": \"add\"} trailing")]
    [TestCase("not json")]
    [TestCase("{\"action\": \"add\", \"a\": 1,}")]
    public async Task MalformedJson_Returns400_AndKeepsConnectionOpen(string frame)
    {
        var reply = await _client.RequestAsync(frame);
        Assert.Multiple(() =>
        {
            Assert.That(reply.ResponseStatus, Is.EqualTo(400));
            Assert.That(reply.ErrorMessages[0], Does.StartWith("Malformed JSON at byte"));
            Assert.That(reply.Data.ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
        await AssertStillServesAsync();
    }

    [TestCase("[1, 2]")]
    [TestCase("42")]
    [TestCase("\"add\"")]
    public async Task NonObjectJson_Returns400(string frame)
    {
        var reply = await _client.RequestAsync(frame);
        AssertEnvelope(reply, 400, null, data: "null", errors: """["Expected a JSON object."]""");
        await AssertStillServesAsync();
    }

    [Test]
    public async Task BinaryFrame_Returns400_AndKeepsConnectionOpen()
    {
        await _client.Socket.SendAsync("""{"action":"add","a":1,"b":2}"""u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        var reply = await _client.ReceiveAsync();
        AssertEnvelope(reply, 400, null, data: "null", errors: """["Binary frames are not supported; send one JSON object per text frame."]""");
        await AssertStillServesAsync();
    }

    [Test]
    public async Task ActionThatIsNotAString_Returns400()
    {
        var reply = await _client.RequestAsync("""{"action": 12, "request_id": 1}""");
        AssertEnvelope(reply, 400, null, data: "null", errors: """[{"action":["The action must be a string."]}]""");
    }

    [Test]
    public async Task MissingRequiredKey_Returns400NamingTheKey()
    {
        var reply = await _client.RequestAsync("""{"action": "add", "a": 1, "request_id": 1}""");
        AssertEnvelope(reply, 400, "add", data: "null", errors: """[{"b":["This field is required."]}]""");
    }

    [TestCase("\"1\"", "A valid integer is required.")]
    [TestCase("1.5", "A valid integer is required.")]
    [TestCase("99999999999", "A valid integer is required.")]
    [TestCase("null", "This field may not be null.")]
    [TestCase("{}", "A valid integer is required.")]
    public async Task WrongJsonType_Returns400NamingTheKey(string value, string message)
    {
        var reply = await _client.RequestAsync($$"""{"action": "add", "a": 1, "b": {{value}}}""");
        AssertEnvelope(reply, 400, "add", data: "null", errors: $$"""[{"b":["{{message}}"]}]""");
    }

    [Test]
    public async Task DtoThatDoesNotDeserialize_Returns400NamingTheKey()
    {
        var reply = await _client.RequestAsync("""{"action": "create", "data": {"name": 5}}""");
        AssertEnvelope(reply, 400, "create", data: "null", errors: """[{"data":["Invalid value at $.name."]}]""");
    }

    [Test]
    public async Task EveryPrimitiveKind_Binds()
    {
        var reply = await _client.RequestAsync("""{"action": "flags", "flag": true, "id": "6c2b1f1e-9d57-4a3e-8f1e-0b8e9c7a1d2f", "at": "2026-11-21T10:00:00+01:00", "ratio": 0.5, "price": 9.99}""");
        AssertEnvelope(reply, 200, "flags", data: "true", errors: "[]");
    }

    [Test]
    public async Task SnakeCaseKeys_BindToCamelCaseParameters_AndUnknownKeysAreIgnored()
    {
        var reply = await _client.RequestAsync("""{"action": "delay", "milliseconds": 1, "extra": {"nested": [1, 2]}}""");
        Assert.That(reply.ResponseStatus, Is.EqualTo(200));
    }

    [Test]
    public async Task FrameworkParameters_AreSupplied()
    {
        var who = await _client.RequestAsync("""{"action": "who_am_i"}""");
        var info = await _client.RequestAsync("""{"action": "request_info", "request_id": 77}""");
        Assert.Multiple(() =>
        {
            Assert.That(who.Data.GetString(), Is.EqualTo("anonymous"));
            Assert.That(info.Data.GetRawText(), Is.EqualTo("""{"text":"request_info","count":77}"""));
        });
    }

    [Test]
    public async Task ScopedServices_LiveAsLongAsTheConnection()
    {
        var first = await _client.RequestAsync("""{"action": "increment"}""");
        var second = await _client.RequestAsync("""{"action": "increment"}""");
        await using var other = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var otherFirst = await other.RequestAsync("""{"action": "increment"}""");
        Assert.That(new[] { first, second, otherFirst }.Select(r => r.Data.GetInt64()), Is.EqualTo(new long[] { 1, 2, 1 }));
    }

    [Test]
    public async Task ExceptionInUserCode_Returns500WithoutDetails_AndKeepsConnectionOpen()
    {
        var text = await SendRawAsync("""{"action": "crash", "request_id": "boom-1"}""");
        var later = await SendRawAsync("""{"action": "crash_later", "request_id": "boom-2"}""");
        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo("""{"errors":["Internal server error"],"data":null,"action":"crash","response_status":500,"request_id":"boom-1"}"""));
            Assert.That(later, Does.Contain("\"response_status\":500"));
            Assert.That(text + later, Does.Not.Contain("secret"));
            Assert.That(
                CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "ActionFailed" && e.Message.Contains("crash") && e.Message.Contains("\"boom-1\"") && e.Exception is InvalidOperationException),
                Is.True,
                "the failure is logged with the action and request_id");
        });
        await AssertStillServesAsync();
    }

    [Test]
    public async Task FragmentedMessage_IsReassembled()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"action": "add", "a": 20, "b": 22, "request_id": "frag"}""");
        for (var i = 0; i < bytes.Length; i += 7)
        {
            await _client.Socket.SendAsync(bytes[i..Math.Min(i + 7, bytes.Length)], WebSocketMessageType.Text, endOfMessage: i + 7 >= bytes.Length, CancellationToken.None);
        }

        var reply = await _client.ReceiveAsync();
        Assert.That(reply.Data.GetInt32(), Is.EqualTo(42));
    }

    [Test]
    public async Task MessageOverTheLimit_Replies400NamingTheLimit_ThenCloses1009()
    {
        var big = "{\"action\": \"echo\", \"text\": \"" + new string('x', 70 * 1024) + "\"}";
        await _client.SendAsync(big);
        var reply = await _client.ReceiveAsync();
        AssertEnvelope(reply, 400, null, data: "null", errors: """["Message exceeds the maximum size of 65536 bytes."]""");
        Assert.That(await _client.WaitForCloseAsync(), Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }

    [Test]
    public async Task MessageJustUnderTheLimit_IsAccepted()
    {
        var prefix = "{\"action\": \"echo\", \"text\": \"";
        var big = prefix + new string('x', 64 * 1024 - prefix.Length - 2) + "\"}";
        Assert.That(Encoding.UTF8.GetByteCount(big), Is.EqualTo(64 * 1024));
        await _client.SendAsync(big);
        var reply = await _client.ReceiveAsync();
        Assert.That(reply.ResponseStatus, Is.EqualTo(200));
    }

    [Test]
    public async Task ThousandPipelinedRequests_AreAnsweredInOrder()
    {
        const int count = 1000;
        var send = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await _client.SendAsync($$"""{"action": "add", "a": {{i}}, "b": 0, "request_id": {{i}}}""");
            }
        });
        var ids = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var reply = await _client.ReceiveAsync();
            ids.Add(reply.RequestId.GetInt32());
        }

        await send;
        Assert.That(ids, Is.EqualTo(Enumerable.Range(0, count)));
    }

    [Test]
    public async Task EscapedActionName_IsUnescapedBeforeDispatch()
    {
        var reply = await _client.RequestAsync("""{"action": "\u0061dd", "a": 1, "b": 2}""");
        Assert.That(reply.Data.GetInt32(), Is.EqualTo(3));
    }

    private async Task<string> SendRawAsync(string json)
    {
        await _client.SendAsync(json);
        return (await _client.ReceiveAsync()).RawJson;
    }

    private async Task AssertStillServesAsync()
    {
        var reply = await _client.RequestAsync("""{"action": "add", "a": 1, "b": 1, "request_id": "alive"}""");
        Assert.That(reply.Data.GetInt32(), Is.EqualTo(2), "the connection stays open and keeps serving");
    }

    private static void AssertEnvelope(ConsumerEnvelope reply, int status, string? action, string data, string errors)
    {
        Assert.Multiple(() =>
        {
            Assert.That(reply.Json.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "errors", "data", "action", "response_status", "request_id" }));
            Assert.That(reply.ResponseStatus, Is.EqualTo(status));
            Assert.That(reply.Action, Is.EqualTo(action));
            Assert.That(reply.Data.GetRawText(), Is.EqualTo(data));
            Assert.That(reply.Errors.GetRawText(), Is.EqualTo(errors));
        });
    }
}
