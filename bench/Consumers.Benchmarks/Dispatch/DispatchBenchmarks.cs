using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Consumers.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Benchmarks.Dispatch;

/// <summary>
/// One request through parse → bind two int parameters → invoke → write the reply, three ways. Each benchmark
/// handles one complete message already in memory and ends when the reply's bytes are available to the transport:
/// <list type="bullet">
/// <item><b>Consumers</b>: <see cref="ConsumerSet.HandleAsync"/> on a plain-endpoint connection (what the dispatch loop calls
/// for each message): request header parse, the generated switch and binder, the action, the envelope written into a
/// pooled frame queued on the connection's send channel; the benchmark then takes the frame off the channel and
/// releases it (what the write loop does before and after the socket send). No socket, no WebSocket framing.</item>
/// <item><b>SignalR</b>: <see cref="HubConnectionHandler{THub}"/> over an in-memory connection (two pipes with inline
/// schedulers): the invocation bytes are written and flushed into the connection's input, SignalR's own loop parses
/// them (JSON hub protocol), the DefaultHubDispatcher binds and invokes <see cref="AddHub.Add"/> (a hub per invocation,
/// as always), writes the completion message into the output pipe, and the benchmark reads and consumes it. No socket,
/// no WebSocket framing.</item>
/// <item><b>Floor</b>: <see cref="FloorDispatcher"/>, a hand-written reader + switch writing the same envelope as Consumers.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private static readonly byte[] ConsumersRequest = """{"action":"add","a":20,"b":22,"request_id":7}"""u8.ToArray();
    private static readonly byte[] SignalRRequest = "{\"type\":1,\"invocationId\":\"7\",\"target\":\"Add\",\"arguments\":[20,22]}\u001e"u8.ToArray();

    private ConsumerSet _consumers = null!;
    private ConsumerConnection _connection = null!;
    private ServiceProvider _consumerServices = null!;
    private ServiceProvider _hubServices = null!;
    private PipeWriter _toServer = null!;
    private PipeReader _fromServer = null!;
    private Task _hubConnection = Task.CompletedTask;
    private readonly FloorDispatcher _floor = new();

    [GlobalSetup]
    public void Setup()
    {
        var consumerServices = new ServiceCollection();
        consumerServices.AddLogging();
        consumerServices.AddConsumers();
        _consumerServices = consumerServices.BuildServiceProvider();
        var connection = new ConsumerConnection(new ConsumerOptions(), NullLogger.Instance, "bench");
        _consumers = ConsumerSet.Create(
            [ConsumerRegistration.For<AddConsumer>(null)],
            multiplexed: false,
            connection,
            new DefaultHttpContext { RequestServices = _consumerServices },
            _consumerServices);
        _connection = connection;

        var hubServices = new ServiceCollection();
        hubServices.AddLogging();
        hubServices.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, Fanout.FanoutJson.Default));
        _hubServices = hubServices.BuildServiceProvider();
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var input = new Pipe(inline);
        var output = new Pipe(inline);
        var context = new DefaultConnectionContext("bench", new DuplexPipe(input.Reader, output.Writer), new DuplexPipe(output.Reader, input.Writer));
        _toServer = input.Writer;
        _fromServer = output.Reader;
        _hubConnection = _hubServices.GetRequiredService<HubConnectionHandler<AddHub>>().OnConnectedAsync(context);
        _toServer.Write("{\"protocol\":\"json\",\"version\":1}\u001e"u8);
        _toServer.FlushAsync().AsTask().GetAwaiter().GetResult();
        var handshake = _fromServer.ReadAsync().AsTask().GetAwaiter().GetResult();
        Check(handshake.Buffer.ToArray(), "{}\u001e"u8);
        _fromServer.AdvanceTo(handshake.Buffer.End);

        // Each path once, checked, so that a broken harness cannot produce a fast number.
        Check(ConsumersReply(), """{"errors":[],"data":42,"action":"add","response_status":200,"request_id":7}"""u8);
        Check(SignalRReply().GetAwaiter().GetResult(), "{\"type\":3,\"invocationId\":\"7\",\"result\":42}\u001e"u8);
        _floor.Handle(ConsumersRequest);
        Check(_floor.Written.ToArray(), """{"errors":[],"data":42,"action":"add","response_status":200,"request_id":7}"""u8);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _toServer.Complete();
        _hubConnection.Wait(TimeSpan.FromSeconds(5));
        _hubServices.Dispose();
        _consumerServices.Dispose();
    }

    [Benchmark(Description = "Consumers: ConsumerSet.HandleAsync + take the queued reply")]
    public int Consumers()
    {
        var pending = _consumers.HandleAsync(ConsumersRequest);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        QueuedFrames.TryTake(_connection, out var frame);
        var length = frame.Memory.Length;
        frame.Release();
        return length;
    }

    [Benchmark(Description = "SignalR: HubConnectionHandler over in-memory pipes")]
    public async Task<int> SignalR()
    {
        await _toServer.WriteAsync(SignalRRequest).ConfigureAwait(false);
        var result = await _fromServer.ReadAsync().ConfigureAwait(false);
        var length = (int)result.Buffer.Length;
        _fromServer.AdvanceTo(result.Buffer.End);
        return length;
    }

    [Benchmark(Baseline = true, Description = "Floor: Utf8JsonReader + switch + Utf8JsonWriter")]
    public int Floor()
    {
        _floor.Handle(ConsumersRequest);
        return _floor.Written.Length;
    }

    private byte[] ConsumersReply()
    {
        _consumers.HandleAsync(ConsumersRequest).AsTask().GetAwaiter().GetResult();
        QueuedFrames.TryTake(_connection, out var frame);
        var bytes = frame.Memory.ToArray();
        frame.Release();
        return bytes;
    }

    private async Task<byte[]> SignalRReply()
    {
        await _toServer.WriteAsync(SignalRRequest).ConfigureAwait(false);
        var result = await _fromServer.ReadAsync().ConfigureAwait(false);
        var bytes = result.Buffer.ToArray();
        _fromServer.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    private static void Check(byte[] actual, ReadOnlySpan<byte> expected)
    {
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidOperationException("Unexpected reply: " + System.Text.Encoding.UTF8.GetString(actual));
        }
    }
}
