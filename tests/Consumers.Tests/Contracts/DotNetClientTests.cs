using System.Net.WebSockets;
using System.Text.Json;
using Consumers.Clients;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Contracts;

/// <summary>
/// The typed .NET client the generator writes per consumer (<c>EchoConsumerClient</c>) against a real Kestrel host:
/// typed arguments and results, error replies as statuses, optional keys, multiplexed streams, closed connections.
/// </summary>
[TestFixture]
public sealed class DotNetClientTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<EchoConsumer>("/ws/echo");
            app.MapConsumers("/ws", s => s.Add<EchoConsumer>("echo"));
        },
        o => o.RateLimitPerSecond = 0,
        s => s.AddScoped<Counter>());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task TypedCalls_SendTheWireKeys_AndReadTheTypedData()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));

        var sum = await client.AddAsync(2, 3);
        var greeting = await client.GreetAsync("ann", 4, new ClientCallOptions { RequestId = "g1" });
        var rooms = await client.ListAsync();
        var created = await client.CreateAsync(new CreateRoom("lobby", null));

        Assert.Multiple(() =>
        {
            Assert.That((sum.Status, sum.Data), Is.EqualTo((200, 5)));
            Assert.That(greeting.Data, Is.EqualTo(new Greeting("Hello, ann!", 4)));
            Assert.That(greeting.RequestId.GetString(), Is.EqualTo("g1"));
            Assert.That(greeting.Action, Is.EqualTo("greet"));
            Assert.That(rooms.Data!.Select(r => r.Name), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(created.Status, Is.EqualTo(201));
            Assert.That(created.Data, Is.EqualTo(new RoomDto(7, "lobby", 10)));
        });
    }

    [Test]
    public async Task OptionalKeys_TakeTheirDefaults_AndNullablesMaySendNull()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));

        var once = await client.EchoAsync("ab");
        var thrice = await client.EchoAsync("ab", repeat: 3);
        var defaultTimes = await client.GreetAsync("bob");
        var flags = await client.FlagsAsync(true, Guid.NewGuid(), DateTimeOffset.UtcNow, 0.5, 1.25m);

        Assert.Multiple(() =>
        {
            Assert.That(once.Data, Is.EqualTo("ab"));
            Assert.That(thrice.Data, Is.EqualTo("ababab"));
            Assert.That(defaultTimes.Data!.Count, Is.EqualTo(1), "times: null");
            Assert.That(flags.Data, Is.True, "every primitive kind round-trips, note: null");
        });
    }

    [Test]
    public async Task ErrorReplies_AreStatuses_WithTheirErrors_AndNoData()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));

        var missing = await client.RetrieveAsync(8);
        var invalid = await client.CreateAsync(new CreateRoom("", null));
        var forbidden = await client.ForbiddenAsync();
        var deleted = await client.DeleteAsync(7);

        Assert.Multiple(() =>
        {
            Assert.That((missing.Status, missing.IsSuccess, missing.Data), Is.EqualTo((404, false, (RoomDto?)null)));
            Assert.That(missing.Errors.GetRawText(), Is.EqualTo("""["Not found"]"""));
            Assert.That(invalid.Status, Is.EqualTo(400));
            Assert.That(invalid.Errors[0].GetProperty("name")[0].GetString(), Is.EqualTo("This field may not be blank."));
            Assert.That(forbidden.Status, Is.EqualTo(403));
            Assert.That((deleted.Status, deleted.IsSuccess), Is.EqualTo((204, true)));
        });
    }

    [Test]
    public async Task MultiplexedStream_WrapsAndUnwrapsTheFrames()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws"), new ConsumerClientOptions { Stream = "echo" });

        var sum = await client.AddAsync(20, 22);

        Assert.That(sum.Data, Is.EqualTo(42));
    }

    [Test]
    public async Task ConcurrentCalls_AreMatchedToTheirRepliesByRequestId()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));

        var slow = client.DelayAsync(200);
        var sums = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.AddAsync(i, 1)));
        await slow;

        Assert.That(sums.Select(s => s.Data), Is.EqualTo(Enumerable.Range(1, 20)));
    }

    [Test]
    public async Task CallAfterDispose_Throws()
    {
        var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        await client.DisposeAsync();

        Assert.That(() => client.AddAsync(1, 2), Throws.InstanceOf<ObjectDisposedException>().Or.InstanceOf<WebSocketException>());
    }

    [Test]
    public async Task PendingCall_FailsWithWebSocketException_WhenTheServerGoesAway()
    {
        var host = await TestHost.StartAsync(app => app.MapConsumer<EchoConsumer>("/ws/echo"), services: s => s.AddScoped<Counter>());
        await using var client = await EchoConsumerClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var pending = client.DelayAsync(10_000);

        await host.DisposeAsync();

        Assert.That(async () => await pending, Throws.InstanceOf<WebSocketException>());
    }

    [Test]
    public async Task RefusedHandshake_ThrowsWebSocketException()
        => Assert.That(
            async () => await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/nowhere")),
            Throws.InstanceOf<WebSocketException>());

    [Test]
    public async Task ReplyTimeout_ThrowsTimeoutException()
    {
        await using var client = await EchoConsumerClient.ConnectAsync(_host.WebSocketUri("/ws/echo"), new ConsumerClientOptions { ReplyTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.That(async () => await client.DelayAsync(2000), Throws.InstanceOf<TimeoutException>());
    }
}
