using Consumers.Connections;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>Several queued frames per socket write: frames stay whole and in order, and the stream only holds what is followed.</summary>
public sealed class SendBatchingTests
{
    [Test]
    public async Task ManyQueuedFrames_ArriveWhole_AndInOrder_BeforeTheReply()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<LifecycleConsumer>("/ws/rooms/{room}"),
            o => o.SendQueueCapacity = 8192,
            services => services.AddSingleton<LifecycleLog>().AddScoped<Counter>());
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/rooms/batch"));

        // One action queues thousands of frames at once: the writer finds its queue full and batches them.
        const int Count = 5000;
        await client.SendAsync($$"""{"action": "push", "count": {{Count}}, "request_id": "p"}""");
        for (var i = 0; i < Count; i++)
        {
            var frame = await client.ReceiveAsync();
            Assert.That((frame["count"] ?? frame["Count"])!.GetValue<int>(), Is.EqualTo(i), $"frame {i}");
        }

        var reply = await client.ReceiveAsync();
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("p"));
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [Test]
    public async Task HeldWrites_LeaveWithTheNextUnheldWrite_InOneWrite_InOrder()
    {
        var inner = new RecordingStream();
        await using var stream = new FrameBatchingStream(inner);

        stream.Hold = true;
        await stream.WriteAsync("one,"u8.ToArray());
        await stream.WriteAsync("two,"u8.ToArray());
        Assert.That(inner.Writes, Is.Empty, "held writes wait");

        stream.Hold = false;
        await stream.WriteAsync("three"u8.ToArray());
        Assert.That(inner.Writes, Is.EqualTo(new[] { "one,two,three" }));
    }

    [Test]
    public async Task WithoutHold_EveryWriteGoesThroughAsItIs()
    {
        var inner = new RecordingStream();
        await using var stream = new FrameBatchingStream(inner);

        await stream.WriteAsync("a"u8.ToArray());
        await stream.WriteAsync("b"u8.ToArray());
        Assert.That(inner.Writes, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task HeldBytes_AreWrittenEvenWhileHeld_PastTheLimit()
    {
        var inner = new RecordingStream();
        await using var stream = new FrameBatchingStream(inner);

        stream.Hold = true;
        var chunk = new byte[8 * 1024];
        for (var i = 0; i < 8; i++)
        {
            await stream.WriteAsync(chunk);
        }

        Assert.That(inner.Writes, Has.Count.GreaterThanOrEqualTo(1), "a batch is bounded, not unlimited");
        Assert.That(inner.Writes.Sum(w => w.Length), Is.LessThanOrEqualTo(8 * chunk.Length));
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(System.Text.Encoding.UTF8.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }
    }
}
