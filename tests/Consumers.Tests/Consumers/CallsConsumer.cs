using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Consumers;
using Microsoft.AspNetCore.Mvc;

namespace Consumers.Tests.Consumers;

/// <summary>What the calls of <see cref="CallsConsumer"/> did, in the order they did it (shared by the test and the host).</summary>
public sealed class CallLog
{
    private readonly ConcurrentQueue<(string Event, long Ticks)> _events = new();

    public void Add(string name) => _events.Enqueue((name, System.Diagnostics.Stopwatch.GetTimestamp()));

    public IReadOnlyList<(string Event, long Ticks)> Events => [.. _events];

    public int Count(string name) => _events.Count(e => e.Event == name);

    public long At(string name) => _events.First(e => e.Event == name).Ticks;
}

[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class CallsJsonContext : JsonSerializerContext;

/// <summary>Concurrent actions, ordered ones, and streams, each recording into the <see cref="CallLog"/>.</summary>
[JsonContext(typeof(CallsJsonContext))]
public sealed partial class CallsConsumer(CallLog log, ActionGate gate) : Consumer
{
    [Action(Concurrent = true)]
    public async Task<string> Slow(string name, int ms)
    {
        log.Add(name + ":start");
        await Task.Delay(ms);
        log.Add(name + ":end");
        return name;
    }

    [Action]
    public async Task<string> Ordered(string name, int ms)
    {
        log.Add(name + ":start");
        await Task.Delay(ms);
        log.Add(name + ":end");
        return name;
    }

    [Action]
    public string Quick(string name)
    {
        log.Add(name);
        return name;
    }

    [Action(Concurrent = true)]
    public async Task<string> Gated(string name)
    {
        log.Add(name + ":start");
        await gate.Opened;
        return name;
    }

    // Ordered, and waits for the test: the connection's read-ahead fills behind it.
    [Action]
    public async Task<string> Hold(string name)
    {
        log.Add(name + ":start");
        await gate.Opened;
        return name;
    }

    [Action(Concurrent = true)]
    public async Task Boom()
    {
        await Task.Yield();
        throw new InvalidOperationException("boom");
    }

    [Action(Concurrent = true)]
    public async Task<string> WaitForCancel(string name, CancellationToken cancellationToken)
    {
        log.Add(name + ":start");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            log.Add(name + ":cancelled");
            throw;
        }

        return name;
    }

    protected override ValueTask OnDisconnectAsync(System.Net.WebSockets.WebSocketCloseStatus? closeStatus)
    {
        log.Add("disconnected");
        return ValueTask.CompletedTask;
    }

    [Action]
    public async IAsyncEnumerable<int> Count(int n, int failAt = -1, bool yieldEach = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < n; i++)
        {
            if (i == failAt)
            {
                throw new InvalidOperationException("failed mid-stream");
            }

            if (yieldEach || i % 1000 == 999)
            {
                await Task.Yield();
            }

            yield return i;
        }
    }

    [Action]
    public async IAsyncEnumerable<int> Forever(string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        log.Add(name + ":start");
        try
        {
            for (var i = 0; ; i++)
            {
                await Task.Delay(5, cancellationToken);
                yield return i;
            }
        }
        finally
        {
            // What the clients' $cancel must reach: the stream's token.
            log.Add(name + (cancellationToken.IsCancellationRequested ? ":cancelled" : ":ended"));
        }
    }

    /// <summary>One item, then nothing until the stream is cancelled.</summary>
    [Action]
    public async IAsyncEnumerable<int> Stall(string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return 1;
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            log.Add(name + (cancellationToken.IsCancellationRequested ? ":cancelled" : ":ended"));
        }
    }

    /// <summary>How many calls named <paramref name="name"/> saw their token cancelled, for a client that checks its <c>$cancel</c> while still connected.</summary>
    [Action]
    public int Cancellations(string name) => log.Count(name + ":cancelled");

    [Action]
    public ChannelReader<string> Words(string text)
    {
        var channel = Channel.CreateUnbounded<string>();
        _ = Task.Run(async () =>
        {
            foreach (var word in text.Split(' '))
            {
                await channel.Writer.WriteAsync(word);
                await Task.Delay(1);
            }

            channel.Writer.Complete();
        });
        return channel.Reader;
    }
}
