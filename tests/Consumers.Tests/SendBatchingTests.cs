using Consumers.Connections;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>Several queued frames per socket write: frames stay whole and in order, and never interleave with the WebSocket's own writes.</summary>
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

    [TestCase(1000, 4)]
    [TestCase(20_000, 1)]
    [TestCase(200_000, 1)]
    public async Task Replies_LargerOrSmallerThanABatch_ArriveWhole(int length, int repeat)
    {
        await using var host = await TestHost.StartAsync(app => app.MapConsumer<EchoConsumer>("/ws/echo"), null, services => services.AddScoped<Counter>());
        await using var client = await TestClient.ConnectAsync(host.WebSocketUri("/ws/echo"));
        var text = new string('a', length);
        for (var i = 0; i < repeat; i++)
        {
            await client.SendAsync($$"""{"action": "echo", "text": "{{text}}", "request_id": {{i}}}""");
        }

        for (var i = 0; i < repeat; i++)
        {
            var reply = await client.ReceiveAsync();
            Assert.That(reply["request_id"]!.GetValue<int>(), Is.EqualTo(i));
            Assert.That(reply["data"]!.GetValue<string>(), Has.Length.EqualTo(length));
        }
    }

    [TestCase(0, new byte[] { 0x81, 0 })]
    [TestCase(125, new byte[] { 0x81, 125 })]
    [TestCase(126, new byte[] { 0x81, 126, 0, 126 })]
    [TestCase(65_535, new byte[] { 0x81, 126, 0xFF, 0xFF })]
    [TestCase(65_536, new byte[] { 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0 })]
    public void TextFrameHeader_EncodesTheLength_AsRfc6455Says(int payloadLength, byte[] expected)
    {
        var header = new byte[TextFrameHeader.MaxLength];
        var length = TextFrameHeader.Write(header, payloadLength);
        Assert.That(header[..length], Is.EqualTo(expected));
        Assert.That(TextFrameHeader.LengthOf(payloadLength), Is.EqualTo(length));
    }

    [Test]
    public async Task AWriteDuringAFrameWrite_WaitsUntilTheWholeFrameIsWritten()
    {
        var inner = new GatedStream();
        await using var stream = new FrameBatchingStream(inner);

        var frame = stream.WriteFrameAsync("H"u8.ToArray(), "payload"u8.ToArray()).AsTask();
        await inner.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var pong = stream.WriteAsync("pong"u8.ToArray()).AsTask();
        await Task.Delay(50);
        Assert.That(pong.IsCompleted, Is.False, "the WebSocket's own write waits for the frame being written");

        inner.Gate.SetResult();
        await Task.WhenAll(frame, pong).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(inner.Writes, Is.EqualTo(new[] { "H", "payload", "pong" }));
    }

    [Test]
    public async Task UncontendedWrites_GoThroughAsTheyAre()
    {
        var inner = new RecordingStream();
        await using var stream = new FrameBatchingStream(inner);

        await stream.WriteAsync("a"u8.ToArray());
        await stream.WriteFramesAsync("bc"u8.ToArray());
        Assert.That(inner.Writes, Is.EqualTo(new[] { "a", "bc" }));
    }

    private sealed class GatedStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(System.Text.Encoding.UTF8.GetString(buffer.Span));
            if (Writes.Count == 1)
            {
                FirstWriteStarted.SetResult();
                await Gate.Task;
            }
        }
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
