using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Hostile;

/// <summary>
/// Attacks a running server over loopback and checks, after each attack, that a bystander client still gets
/// correct answers, that only the attacker's connection was closed, and that no exception text reached the wire.
/// Every loop is bounded in count and in time.
/// </summary>
[TestFixture]
public sealed class HostileInputTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(15);
    private TestHost _host = null!;
    private TestClient _bystander = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app =>
        {
            app.MapConsumer<EchoConsumer>("/ws/echo");
            app.MapConsumers("/ws/multi", s => s.Add<EchoConsumer>("echo"));
        },
        o =>
        {
            // The attacks send thousands of frames; the rate limit is tested on its own.
            o.RateLimitPerSecond = 0;
            o.SendQueueCapacity = 64;
            o.MaxConnectionsPerAddress = 40;
        },
        s => s.AddScoped<Counter>());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public async Task ConnectBystander() => _bystander = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));

    [TearDown]
    public async Task CheckBystander()
    {
        // Whatever the attack, the bystander's connection is open and answers correctly.
        Assert.That(_bystander.Socket.State, Is.EqualTo(WebSocketState.Open));
        var reply = await _bystander.RequestAsync("""{"action": "add", "a": 20, "b": 22, "request_id": "bystander"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["data"]!.GetValue<int>(), Is.EqualTo(42));
            Assert.That(reply["request_id"]!.GetValue<string>(), Is.EqualTo("bystander"));
        });
        await _bystander.DisposeAsync();
    }

    [Test]
    public async Task SeededRandomAndMutatedFrames_AreAnsweredWithoutExceptionText_AndMemoryStaysBounded()
    {
        var random = new Random(20240611);
        string[] seeds =
        [
            """{"action": "add", "a": 1, "b": 2, "request_id": 1}""",
            """{"action": "echo", "text": "hello", "repeat": 2}""",
            """{"action": "create", "data": {"name": "x", "capacity": 3}}""",
            """{"action": "flags", "flag": true, "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "at": "2024-01-01T00:00:00Z", "ratio": 1.5, "price": 2}""",
            """{"action": "crash"}""",
        ];
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var frames = 0;
        var closes = 0;
        try
        {
            for (var i = 0; i < 3000 && started.Elapsed < s_budget; i++)
            {
                if (attacker.Socket.State != WebSocketState.Open)
                {
                    closes++;
                    await attacker.DisposeAsync();
                    attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
                }

                var bytes = random.Next(4) == 0 ? RandomText(random) : Mutate(random, Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)]));
                await attacker.SendAsync(bytes, WebSocketMessageType.Text);
                frames++;
                try
                {
                    AssertNoExceptionText(await attacker.ReceiveTextAsync(TimeSpan.FromSeconds(5)));
                }
                catch (Exception ex) when (ex is InvalidOperationException or WebSocketException)
                {
                    // The server closed the attacker (e.g. a mutation made invalid UTF-8: 1007); it reconnects.
                }

                if (i % 500 == 0)
                {
                    Assert.That((await _bystander.RequestAsync("""{"action": "add", "a": 1, "b": 1}"""))["data"]!.GetValue<int>(), Is.EqualTo(2));
                }
            }
        }
        finally
        {
            await attacker.DisposeAsync();
        }

        GC.Collect();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine($"{frames} frames, {closes} attacker reconnects, {started.Elapsed}, heap {before / 1024} KiB -> {after / 1024} KiB");
        Assert.That(frames, Is.GreaterThan(500));
        Assert.That(after - before, Is.LessThan(64L * 1024 * 1024));
    }

    [Test]
    public async Task InvalidUtf8_ClosesOnlyTheAttacker_With1007()
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        await attacker.SendAsync([(byte)'{', 0xC3, 0x28, 0xFF, (byte)'}'], WebSocketMessageType.Text);

        // ManagedWebSocket answers invalid UTF-8 with a 1007 close frame and aborts the connection right after it, so
        // the client reads the code, or (under load, about one run in ten) a reset that overtakes the frame. Either
        // way only the attacker is gone: the bystander is checked after every test.
        try
        {
            Assert.That(await attacker.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            Assert.That(attacker.Socket.State, Is.EqualTo(WebSocketState.Aborted));
        }
    }

    [Test]
    public async Task BinaryFrames_Get400_AndTheAttackerStaysConnected()
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        for (var i = 0; i < 50; i++)
        {
            await attacker.SendAsync(new byte[i * 10], WebSocketMessageType.Binary);
            Assert.That((await attacker.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(400));
        }
    }

    [TestCase(100_000)]
    [TestCase(1_000)]
    public async Task DeeplyNestedJson_Gets400MalformedJson(int depth)
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var nested = new string('[', depth) + new string(']', depth);
        foreach (var frame in new[] { nested, $$"""{"action": "echo", "text": {{nested}}}""", $$"""{"action": "create", "data": {{nested.Replace('[', '{').Replace(']', '}')}}}""" })
        {
            var text = await attacker.SendAndReceiveTextAsync(frame);
            AssertNoExceptionText(text);
            Assert.That(JsonNode.Parse(text)!["response_status"]!.GetValue<int>(), Is.EqualTo(400));
        }
    }

    [TestCase("1e400")]
    [TestCase("-1e400")]
    [TestCase("123456789012345678901234567890")]
    [TestCase("1.0000000000000000000000000000000001")]
    [TestCase("\"999999999999999999999999\"")]
    public async Task HugeNumbers_Get400NamingTheKey(string value)
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var text = await attacker.SendAndReceiveTextAsync($$"""{"action": "add", "a": {{value}}, "b": 1}""");
        AssertNoExceptionText(text);
        Assert.That(text, Does.Contain("\"response_status\":400").And.Contain("\"a\""));
    }

    [Test]
    public async Task HugeStringsAndKeys_JustUnderTheLimit_AreHandled()
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var big = new string('x', 900_000);
        var reply = await attacker.RequestAsync($$"""{"action": "echo", "text": "{{big}}"}""");
        Assert.That(reply["data"]!.GetValue<string>(), Has.Length.EqualTo(900_000));
        var keyReply = await attacker.RequestAsync($$"""{"action": "nothing", "{{big}}": 1}""");
        Assert.That(keyReply["response_status"]!.GetValue<int>(), Is.EqualTo(200));
        var escaped = string.Concat(Enumerable.Repeat("\\u0000", 100_000));
        AssertNoExceptionText(await attacker.SendAndReceiveTextAsync($$"""{"action": "{{escaped}}"}"""));
    }

    [Test]
    public async Task TenMegabyteFrame_Gets400NamingTheLimit_ThenClose1009()
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var huge = new byte[10 * 1024 * 1024];
        huge.AsSpan().Fill((byte)'a');
        var send = attacker.SendAsync(huge, WebSocketMessageType.Text);
        var reply = await attacker.ReceiveAsync();
        Assert.That(reply["errors"]!.ToJsonString(), Does.Contain("1048576"));
        Assert.That(await attacker.ReceiveCloseAsync(), Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The server may stop reading the rest of the frame once it has closed.
        }
    }

    [TestCase("""{"stream": "nope", "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": "", "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": "e\u0063ho\u0000", "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": 5, "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": ["echo"], "payload": {"action": "add"}}""")]
    [TestCase("""{"stream": "echo", "payload": [1]}""")]
    [TestCase("""{"stream": "echo"}""")]
    public async Task UnknownOrMalformedStreams_Get400(string frame)
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/multi"));
        var text = await attacker.SendAndReceiveTextAsync(frame);
        AssertNoExceptionText(text);
        Assert.That(text, Does.Contain("\"response_status\":400"));
        var ok = await attacker.RequestAsync("""{"stream": "echo", "payload": {"action": "add", "a": 1, "b": 2}}""");
        Assert.That(ok["payload"]!["data"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [TestCase("\"id\"")]
    [TestCase("7")]
    [TestCase("-0.5e3")]
    [TestCase("true")]
    [TestCase("false")]
    [TestCase("null")]
    [TestCase("{\"nested\": [1, {\"a\": null}]}")]
    [TestCase("[1, \"two\", [3]]")]
    [TestCase("\"\\u00e9\\ud83d\\ude00\"")]
    public async Task RequestIdsOfEveryJsonType_AreEchoedUnchanged(string requestId)
    {
        await using var attacker = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        foreach (var action in new[] { "add", "unknown_action", "crash" })
        {
            var reply = await attacker.RequestAsync($$"""{"action": "{{action}}", "a": 1, "b": 2, "request_id": {{requestId}}}""");
            Assert.That(JsonNode.DeepEquals(reply["request_id"], JsonNode.Parse(requestId)), Is.True, $"{action}: {reply["request_id"]?.ToJsonString()}");
        }
    }

    [Test]
    public async Task ClientThatNeverReads_IsClosed_AndOthersAreUnaffected()
    {
        var attacker = new ClientWebSocket();
        await attacker.ConnectAsync(_host.WebSocketUri("/ws/echo"), CancellationToken.None);
        var request = Encoding.UTF8.GetBytes($$"""{"action": "echo", "text": "{{new string('z', 32_000)}}"}""");
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Never reads: replies pile up in TCP buffers, then in its 64-frame send queue, which closes it.
            for (var i = 0; i < 5000 && started.Elapsed < s_budget; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await attacker.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
                if (i % 100 == 0)
                {
                    Assert.That((await _bystander.RequestAsync("""{"action": "add", "a": 2, "b": 2}"""))["data"]!.GetValue<int>(), Is.EqualTo(4));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The server closed or aborted the attacker.
        }
        finally
        {
            attacker.Abort();
            attacker.Dispose();
        }

        Assert.That(started.Elapsed, Is.LessThan(s_budget + TimeSpan.FromSeconds(5)), "the attacker was cut off");
        Assert.That(CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "SendQueueFull"), Is.True);
    }

    [Test]
    public async Task ClientThatNeverReads_IsClosedByTheByteBound_LongBeforeTheFrameBound()
    {
        // 600 replies of 32 KB: under the 1,024-frame bound, but far over 256 KiB once the TCP buffers are full.
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<EchoConsumer>("/ws/echo"),
            o =>
            {
                o.RateLimitPerSecond = 0;
                o.SendQueueMaxBytes = 256 * 1024;
            },
            services => services.AddScoped<Counter>());
        var before = CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull");
        var attacker = new ClientWebSocket();
        await attacker.ConnectAsync(host.WebSocketUri("/ws/echo"), CancellationToken.None);
        var request = Encoding.UTF8.GetBytes($$"""{"action": "echo", "text": "{{new string('z', 32_000)}}"}""");
        try
        {
            for (var i = 0; i < 600; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await attacker.SendAsync(request, WebSocketMessageType.Text, true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The server closed or aborted the attacker.
        }
        finally
        {
            attacker.Abort();
            attacker.Dispose();
        }

        await Eventually.WaitUntilAsync(() => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Name == "SendQueueFull") > before);
    }

    [Test]
    public async Task ClientThatOpensManySockets_IsRefusedPastThePerAddressLimit_AndTheOpenOnesStillWork()
    {
        var sockets = new List<ClientWebSocket>();
        var refused = 0;
        try
        {
            for (var i = 0; i < 60; i++)
            {
                var (status, socket) = await Handshake.TryConnectAsync(_host.WebSocketUri("/ws/echo"));
                if (socket is null)
                {
                    Assert.That(status, Is.EqualTo(HttpStatusCode.TooManyRequests));
                    refused++;
                }
                else
                {
                    sockets.Add(socket);
                }
            }

            // The bystander holds one of the 40 slots of the loopback address.
            Assert.That(sockets, Has.Count.EqualTo(39));
            Assert.That(refused, Is.EqualTo(21));
            var last = TestClient.Wrap(sockets[^1]);
            Assert.That((await last.RequestAsync("""{"action": "add", "a": 3, "b": 3}"""))["data"]!.GetValue<int>(), Is.EqualTo(6));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    private static void AssertNoExceptionText(string text)
    {
        Assert.That(text, Does.Not.Contain("Exception").And.Not.Contain("   at ").And.Not.Contain("secret internal detail"));
    }

    private static byte[] RandomText(Random random)
    {
        const string alphabet = "{}[]\":,0123456789.eE+-truefalsnul \\/actionrequest_id\u00e9\u4e2d";
        var chars = new char[random.Next(1, 200)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return Encoding.UTF8.GetBytes(chars);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(20) == 0 ? 3 : random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(0x20, 0x7F);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)"{}[]\",:\\0-e"[random.Next(11)]);
                    break;
                default:
                    // Occasionally a byte that is not UTF-8 at all.
                    bytes[at] = (byte)random.Next(0x80, 0x100);
                    break;
            }
        }

        return [.. bytes];
    }
}
