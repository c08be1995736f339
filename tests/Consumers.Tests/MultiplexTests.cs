using Consumers.Hosting;
using Consumers.Tests.Consumers;
using Consumers.Testing.Communication;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>The multiplexed endpoint: <c>{"stream", "payload"}</c> frames both ways, one consumer per stream.</summary>
[TestFixture]
public sealed class MultiplexTests
{
    private TestHost _host = null!;
    private ConsumerCommunicator _client = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app => app.MapConsumers("/ws", s => s.Add<EchoConsumer>("echo").Add<LifecycleConsumer>("life")),
        services: s => s.AddSingleton<LifecycleLog>().AddScoped<Counter>());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public async Task Connect() => _client = await ConsumerCommunicator.ConnectAsync(_host.WebSocketUri("/ws"));

    [TearDown]
    public async Task Disconnect() => await _client.DisposeAsync();

    [Test]
    public async Task Reply_IsWrappedInTheRequestsStream()
    {
        await _client.SendAsync("""{"stream": "echo", "payload": {"action": "add", "a": 1, "b": 2, "request_id": "m"}}""");
        Assert.That((await _client.ReceiveAsync()).RawJson, Is.EqualTo("""{"stream":"echo","payload":{"errors":[],"data":3,"action":"add","response_status":200,"request_id":"m"}}"""));
    }

    [Test]
    public async Task TwoStreamsOnOneSocket_EachHaveTheirOwnConsumer()
    {
        var echo = await _client.RequestAsync("""{"stream": "echo", "payload": {"action": "increment"}}""");
        var echoAgain = await _client.RequestAsync("""{"stream": "echo", "payload": {"action": "increment"}}""");
        var life = await _client.RequestAsync("""{"stream": "life", "payload": {"action": "stream"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(echoAgain.Data.GetInt64(), Is.EqualTo(echo.Data.GetInt64() + 1));
            Assert.That(life.Stream, Is.EqualTo("life"));
            Assert.That(life.Data.GetString(), Is.EqualTo("life"));
        });
    }

    [Test]
    public async Task Pushes_AreWrappedInTheConsumersStream()
    {
        await _client.SendAsync("""{"stream": "life", "payload": {"action": "push", "count": 1}}""");
        var push = (await _client.ReceiveAsync()).RawJson;
        var reply = await _client.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(push, Is.EqualTo("""{"stream":"life","payload":{"text":"push","count":0}}"""));
            Assert.That(reply.Data.GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task UnknownStream_Returns400InThatStream()
    {
        var reply = await _client.RequestAsync("""{"stream": "nope", "payload": {"action": "add"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Stream, Is.EqualTo("nope"));
            Assert.That(reply.ResponseStatus, Is.EqualTo(400));
            Assert.That(reply.ErrorMessages, Is.EqualTo(new[] { "Unknown stream \"nope\"." }));
        });
    }

    [TestCase("""{"payload": {"action": "add"}}""")]
    [TestCase("""{"stream": 5, "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": "echo"}""")]
    [TestCase("""{"stream": "echo", "payload": [1]}""")]
    [TestCase("""{"action": "add"}""")]
    public async Task FrameWithoutStreamOrPayload_Returns400(string frame)
    {
        // The envelope's accessors read the payload of a {"stream", "payload"} frame and a bare frame alike.
        var reply = await _client.RequestAsync(frame);
        Assert.That(reply.ResponseStatus, Is.EqualTo(400));
        var alive = await _client.RequestAsync("""{"stream": "echo", "payload": {"action": "add", "a": 1, "b": 1}}""");
        Assert.That(alive.Data.GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task MalformedPayload_IsAnsweredInItsStream()
    {
        var reply = await _client.RequestAsync("""{"stream": "echo", "payload": {"action": "add", "a": "x", "b": 1}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Stream, Is.EqualTo("echo"));
            Assert.That(reply.Errors.GetRawText(), Is.EqualTo("""[{"a":["A valid integer is required."]}]"""));
        });
    }

    [Test]
    public void DuplicateStreamName_IsRefusedAtMapping()
    {
        var streams = new ConsumerStreams().Add<EchoConsumer>("echo");
        Assert.That(() => streams.Add<LifecycleConsumer>("echo"), Throws.ArgumentException.With.Message.Contains("already mapped"));
    }

    [Test]
    public void EmptyStreamName_IsRefusedAtMapping()
        => Assert.That(() => new ConsumerStreams().Add<EchoConsumer>(""), Throws.ArgumentException);

    [Test]
    public void EndpointWithoutStreams_IsRefusedAtMapping()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddConsumers();
        var app = builder.Build();
        Assert.That(() => app.MapConsumers("/ws", _ => { }), Throws.ArgumentException.With.Message.Contains("at least one stream"));
    }

    [Test]
    public void MappingWithoutAddConsumers_SaysWhatToCall()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        Assert.That(() => app.MapConsumer<EchoConsumer>("/ws"), Throws.InvalidOperationException.With.Message.Contains("AddConsumers()"));
    }
}
