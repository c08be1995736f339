using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Consumers.Connections;
using Consumers.Groups;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One group send to <see cref="Members"/> local members on the in-memory group layer. The members are real
/// <see cref="ConsumerChannel"/>s of <see cref="RoomConsumer"/> (made by <see cref="ConsumerSet.Create"/> as for an accepted
/// socket, joined with the consumer's own <c>Join</c> action) on <see cref="ConsumerConnection"/>s without a socket: each
/// benchmark ends by taking every queued frame off every member's send queue and releasing it, which is what the
/// connection's write loop does around its socket write (without a socket every frame takes the queue path; a sender's
/// direct write to an idle connection's socket is not exercised). Two entry points:
/// <list type="bullet">
/// <item><b>Broadcast</b>: the consumer's action body as a user writes it (<c>"room:" + room</c>, a <see cref="ChatLine"/>,
/// source-generated serialization, the <see cref="GroupMessage"/>, delivery to every member).</item>
/// <item><b>Layer send</b>: <see cref="IGroupLayer.SendAsync"/> of one prebuilt <see cref="GroupMessage"/>: the group path alone.</item>
/// </list>
/// Per-delivery cost is the difference between 20 members and 1, divided by 19.
/// </summary>
[MemoryDiagnoser]
public class GroupSendBenchmarks
{
    public const string Room = "r0";

    private static readonly string Text = new('x', 64);

    private ServiceProvider _services = null!;
    private RoomConsumer _sender = null!;
    private IGroupLayer _layer = null!;
    private GroupMessage _message = null!;
    private ConsumerConnection[] _members = [];

    /// <summary>The number of local members of the room (the sender is one of them).</summary>
    [Params(1, 20)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConsumers(o =>
        {
            o.RateLimitPerSecond = 0;
            o.MaxConnectionsPerAddress = 0;
        });
        _services = services.BuildServiceProvider();
        _layer = _services.GetRequiredService<IGroupLayer>();
        _members = new ConsumerConnection[Members];
        var options = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsumerOptions>>().Value;
        for (var i = 0; i < Members; i++)
        {
            var connection = new ConsumerConnection(options, NullLogger.Instance, "bench");
            var set = ConsumerSet.Create(
                [ConsumerRegistration.For<RoomConsumer>(null)],
                multiplexed: false,
                connection,
                new DefaultHttpContext { RequestServices = _services },
                _services);
            var consumer = (RoomConsumer)set.Consumers.Single();
            consumer.Join(Room).AsTask().GetAwaiter().GetResult();
            _sender ??= consumer;
            _members[i] = connection;
        }

        _message = new GroupMessage(JsonSerializer.SerializeToUtf8Bytes(new ChatLine(Room, Text), ChatJson.Default.ChatLine));

        // Each path once, checked, so that a broken harness cannot produce a fast number.
        // The consumer writes its wire names in snake_case; the layer sends the prebuilt bytes as they are.
        Check(() => _sender.Broadcast(Room, Text), $$"""{"room":"{{Room}}","text":"{{Text}}"}""");
        Check(() => _layer.SendAsync("room:" + Room, _message), System.Text.Encoding.UTF8.GetString(_message.Payload.Span));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "Broadcast: RoomConsumer.Broadcast (serialize + send) + drain the members' queues")]
    public int Broadcast()
    {
        var pending = _sender.Broadcast(Room, Text);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        return Drain();
    }

    [Benchmark(Description = "Layer send: IGroupLayer.SendAsync of a prebuilt GroupMessage + drain the members' queues")]
    public int LayerSend()
    {
        var pending = _layer.SendAsync("room:r0", _message);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        return Drain();
    }

    private int Drain()
    {
        var bytes = 0;
        foreach (var member in _members)
        {
            while (QueuedFrames.TryTake(member, out var frame))
            {
                bytes += frame.Memory.Length;
                frame.Release();
            }
        }

        return bytes;
    }

    private void Check(Func<ValueTask> send, string expected)
    {
        send().AsTask().GetAwaiter().GetResult();
        foreach (var member in _members)
        {
            if (!QueuedFrames.TryTake(member, out var frame))
            {
                throw new InvalidOperationException("A member's send queue is empty after a group send: the harness does not measure a delivery.");
            }

            var actual = System.Text.Encoding.UTF8.GetString(frame.Memory.Span);
            frame.Release();
            if (actual != expected || QueuedFrames.TryTake(member, out _))
            {
                throw new InvalidOperationException($"A member got '{actual}' (or more than one frame) instead of '{expected}'.");
            }
        }
    }
}
