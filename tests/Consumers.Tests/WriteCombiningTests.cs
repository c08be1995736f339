using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Consumers.Tests.Consumers;
using Microsoft.AspNetCore.Builder;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>
/// Frames sent while a connection's dispatcher works through the messages it has read leave together when its turn
/// ends: every member still gets every frame, in each sender's order, nothing waits for an action that waits, and a
/// member that stops reading is closed without holding up the others.
/// </summary>
public sealed class WriteCombiningTests
{
    private static async Task<TestHost> StartAsync(Action<ConsumerOptions>? configure = null)
        => await TestHost.StartAsync(
            app => app.MapConsumer<HoldingConsumer>("/ws/hold/{room}"),
            o =>
            {
                o.RateLimitPerSecond = 0;
                configure?.Invoke(o);
            },
            services => services.AddSingleton<ActionGate>());

    [Test]
    public async Task SendersPipeliningManyMessages_EveryMemberGetsEveryLine_InEachSendersOrder()
    {
        await using var host = await StartAsync();
        const int Members = 5;
        const int Senders = 3;
        const int PerSender = 300;
        var clients = new List<TestClient>();
        try
        {
            for (var i = 0; i < Members; i++)
            {
                clients.Add(await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/pipe")));
            }

            var names = new string[Senders];
            for (var s = 0; s < Senders; s++)
            {
                // Learn each sender's channel name from its first line, which every member receives.
                names[s] = (await SayAndReadOwnLine(clients[s], "hello"))!;
                for (var m = 0; m < Members; m++)
                {
                    if (m != s)
                    {
                        Assert.That((await clients[m].ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("hello"));
                    }
                }
            }

            // Every sender writes all its messages without waiting: the server reads them ahead, and the
            // dispatcher's turns hold many frames per member.
            await Task.WhenAll(Enumerable.Range(0, Senders).Select(async s =>
            {
                for (var i = 0; i < PerSender; i++)
                {
                    await clients[s].SendAsync($$"""{"action": "say", "text": "{{i}}", "request_id": {{i}}}""");
                }
            }));

            await Task.WhenAll(clients.Select(async (client, m) =>
            {
                var next = new int[Senders];
                var replies = 0;
                var expected = Senders * PerSender + (m < Senders ? PerSender : 0);
                for (var n = 0; n < expected; n++)
                {
                    var frame = await client.ReceiveAsync();
                    if (frame["response_status"] is not null)
                    {
                        Assert.That(frame["request_id"]!.GetValue<int>(), Is.EqualTo(replies), $"member {m}: replies in order");
                        replies++;
                        continue;
                    }

                    var from = Array.IndexOf(names, frame["from"]!.GetValue<string>());
                    Assert.That(from, Is.GreaterThanOrEqualTo(0));
                    Assert.That(int.Parse(frame["text"]!.GetValue<string>(), CultureInfo.InvariantCulture), Is.EqualTo(next[from]), $"member {m}, sender {from}");
                    next[from]++;
                }

                Assert.That(next, Is.All.EqualTo(PerSender), $"member {m}");
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task FramesSentBeforeAnActionWaits_LeaveWhileItWaits()
    {
        await using var host = await StartAsync();
        await using var sender = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/wait"));
        await using var member = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/wait"));
        var gate = host.Services.GetRequiredService<ActionGate>();

        await sender.SendAsync("""{"action": "say_then_wait", "text": "before the wait", "request_id": "w"}""");

        // Held until the action ends, the line would never come: the action waits for this test to see it.
        Assert.That((await member.ReceiveAsync(TimeSpan.FromSeconds(5)))["text"]!.GetValue<string>(), Is.EqualTo("before the wait"));
        Assert.That(gate.Opened.IsCompleted, Is.False);

        // The sender's own copy is what its running action caused: it follows the action's reply.
        gate.Open();
        var reply = await sender.ReceiveAsync();
        Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("w"));
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("done"));
        Assert.That((await sender.ReceiveAsync(TimeSpan.FromSeconds(5)))["text"]!.GetValue<string>(), Is.EqualTo("before the wait"));
    }

    [Test]
    public async Task MemberThatStopsReading_IsClosed_AndTheOthersGetEveryLine()
    {
        await using var host = await StartAsync(o => o.SendQueueMaxBytes = 2 * 1024 * 1024);
        await using var sender = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/slow"));
        await using var reader = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/slow"));
        var stalled = new ClientWebSocket();
        await stalled.ConnectAsync(host.WebSocketUri("/ws/hold/slow"), CancellationToken.None);
        var before = CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull");
        try
        {
            // Lines of about 8 KB, sent without waiting: more than the stalled member's TCP buffers (as large as the
            // kernel lets them grow: its receive buffer's and the server's send buffer's maxima) and its send-queue bound hold.
            var text = new string('x', 8000);
            var lines = (int)((KernelBufferMax("tcp_rmem") + KernelBufferMax("tcp_wmem") + (8L << 20)) / text.Length);
            var sending = Task.Run(async () =>
            {
                // In windows of 20, as a client that reads its replies: the sender itself keeps up.
                for (var i = 0; i < lines; i += 20)
                {
                    for (var j = i; j < i + 20; j++)
                    {
                        await sender.SendAsync($$"""{"action": "say", "text": "{{j}} {{text}}"}""");
                    }

                    for (var j = 0; j < 40; j++)
                    {
                        await sender.ReceiveAsync();
                    }
                }
            });

            for (var i = 0; i < lines; i++)
            {
                if (sending.IsFaulted)
                {
                    await sending;
                }

                var line = (await reader.ReceiveAsync())["text"]!.GetValue<string>();

                Assert.That(line[..line.IndexOf(' ', StringComparison.Ordinal)], Is.EqualTo(i.ToString(CultureInfo.InvariantCulture)));
            }

            await sending;
            await Eventually.WaitUntilAsync(() => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull") > before);
        }
        finally
        {
            stalled.Abort();
            stalled.Dispose();
        }
    }

    // The largest size the kernel lets a TCP buffer grow to (the third figure of net.ipv4.tcp_rmem / tcp_wmem); 6 MiB
    // where it cannot be read.
    private static long KernelBufferMax(string name)
    {
        var path = "/proc/sys/net/ipv4/" + name;
        return File.Exists(path) && File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [_, _, var max]
            ? long.Parse(max, CultureInfo.InvariantCulture)
            : 6L << 20;
    }

    [Test]
    public async Task BatchClient_GetsHeldEnvelopesAsArrays_InOrder_AndALoneEnvelopeAsItself()
    {
        await using var host = await StartAsync();
        await using var sender = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/array"));
        await using var member = await TestClient.ConnectAsync(host.WebSocketUri("/ws/hold/array"), o => o.AddSubProtocol("consumers.batch"));
        Assert.That(member.Socket.SubProtocol, Is.EqualTo("consumers.batch"));

        // One line with nothing else on its way: an object, not an array of one.
        await sender.SendAsync("""{"action": "say", "text": "alone"}""");
        var alone = JsonNode.Parse(await member.ReceiveTextAsync());
        Assert.That(alone, Is.InstanceOf<JsonObject>());
        Assert.That(alone!["text"]!.GetValue<string>(), Is.EqualTo("alone"));

        // Pipelined lines: the sender's turns hold several for the member, which get them as one array each.
        const int Lines = 600;
        for (var i = 0; i < Lines; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        var texts = new List<string>();
        var arrays = 0;
        while (texts.Count < Lines)
        {
            var node = JsonNode.Parse(await member.ReceiveTextAsync());
            if (node is JsonArray array)
            {
                arrays++;
                Assert.That(array, Has.Count.GreaterThan(1), "an array frame carries several envelopes");
                texts.AddRange(array.Select(e => e!["text"]!.GetValue<string>()));
            }
            else
            {
                texts.Add(node!["text"]!.GetValue<string>());
            }
        }

        Assert.That(texts, Is.EqualTo(Enumerable.Range(0, Lines).Select(i => i.ToString(CultureInfo.InvariantCulture))));
        Assert.That(arrays, Is.GreaterThan(0), "envelopes held together share a frame");
    }

    private static async Task<string?> SayAndReadOwnLine(TestClient client, string text)
    {
        await client.SendAsync($$"""{"action": "say", "text": "{{text}}", "request_id": "first"}""");
        string? channel = null;
        for (var i = 0; i < 2; i++)
        {
            var frame = await client.ReceiveAsync();
            if (frame["from"] is { } from)
            {
                channel = from.GetValue<string>();
            }
        }

        return channel;
    }
}
