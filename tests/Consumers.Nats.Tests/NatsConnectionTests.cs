using Consumers.Groups.Nats.Client;
using static Consumers.Nats.Tests.NatsTestClient;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsConnectionTests
{
    private NatsServerProcess _server = null!;

    [SetUp]
    public async Task StartServer() => _server = await NatsServerProcess.StartAsync();

    [TearDown]
    public async Task StopServer()
    {
        // Null when SetUp failed (e.g. nats-server missing): keep that failure message visible.
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Connect_ReadsServerInfo()
    {
        await using var connection = await ConnectAsync(_server.Url);
        Assert.Multiple(() =>
        {
            Assert.That(connection.State, Is.EqualTo(NatsConnectionState.Connected));
            Assert.That(connection.ServerInfo!.Headers, Is.True);
            Assert.That(connection.ServerInfo.MaxPayload, Is.EqualTo(1024 * 1024));
            Assert.That(connection.ConnectedServer, Is.EqualTo(new NatsServerAddress("127.0.0.1", _server.Port)));
        });
    }

    [Test]
    public async Task PublishSubscribe_RoundTrip()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        await using var subscription = await subscriber.SubscribeAsync("grp.demo");
        await subscriber.FlushAsync();

        await publisher.PublishAsync("grp.demo", Bytes("hello"));

        var msg = await ReceiveAsync(subscription);
        Assert.Multiple(() =>
        {
            Assert.That(msg.Subject, Is.EqualTo("grp.demo"));
            Assert.That(Text(msg), Is.EqualTo("hello"));
            Assert.That(msg.ReplyTo, Is.Null);
            Assert.That(msg.Headers, Is.Null);
        });
    }

    [Test]
    public async Task PublishSubscribe_WithHeadersAndReply_RoundTrip()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        await using var subscription = await subscriber.SubscribeAsync("grp.demo");
        await subscriber.FlushAsync();
        var headers = new NatsHeaders { { "X-Group", "chat" }, { "X-Group", "lobby" } };

        await publisher.PublishAsync("grp.demo", Bytes("hello"), headers, replyTo: "reply.to");

        var msg = await ReceiveAsync(subscription);
        Assert.Multiple(() =>
        {
            Assert.That(Text(msg), Is.EqualTo("hello"));
            Assert.That(msg.ReplyTo, Is.EqualTo("reply.to"));
            Assert.That(msg.Headers!.GetValues("x-group"), Is.EqualTo(new[] { "chat", "lobby" }));
        });
    }

    [Test]
    public async Task EmptyPayload_RoundTrips()
    {
        await using var connection = await ConnectAsync(_server.Url, o => o.Echo = true);
        await using var subscription = await connection.SubscribeAsync("empty");
        await connection.FlushAsync();
        await connection.PublishAsync("empty", ReadOnlyMemory<byte>.Empty);
        Assert.That((await ReceiveAsync(subscription)).Payload.Length, Is.Zero);
    }

    [Test]
    public async Task WildcardSubscription_ReceivesTheConcreteSubject()
    {
        await using var connection = await ConnectAsync(_server.Url, o => o.Echo = true);
        await using var subscription = await connection.SubscribeAsync("grp.*.events");
        await connection.FlushAsync();
        await connection.PublishAsync("grp.room1.events", Bytes("x"));
        Assert.That((await ReceiveAsync(subscription)).Subject, Is.EqualTo("grp.room1.events"));
    }

    [Test]
    public async Task HandlerSubscription_IsCalledForEachMessageInOrder()
    {
        await using var connection = await ConnectAsync(_server.Url, o => o.Echo = true);
        var received = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await connection.SubscribeAsync("h", null, msg =>
        {
            lock (received)
            {
                received.Add(Text(msg));
                if (received.Count == 100)
                {
                    done.TrySetResult();
                }
            }
        });
        await connection.FlushAsync();
        for (var i = 0; i < 100; i++)
        {
            await connection.PublishAsync("h", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await done.Task.WaitAsync(WaitLimit);
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public async Task EchoFalse_DoesNotDeliverOwnPublishes_ButOthersArrive()
    {
        await using var connection = await ConnectAsync(_server.Url);
        await using var other = await ConnectAsync(_server.Url);
        await using var subscription = await connection.SubscribeAsync("echo");
        await connection.FlushAsync();

        await connection.PublishAsync("echo", Bytes("own"));
        await connection.FlushAsync();
        await other.PublishAsync("echo", Bytes("other"));

        Assert.That(Text(await ReceiveAsync(subscription)), Is.EqualTo("other"));
    }

    [Test]
    public async Task UnsubMax_DeliversOnlyMaxMessages_ThenCompletesTheSubscription()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        var subscription = subscriber.Subscribe("max", maxMsgs: 2);
        await subscriber.FlushAsync();

        for (var i = 1; i <= 3; i++)
        {
            await publisher.PublishAsync("max", Bytes($"m{i}"));
        }

        await publisher.FlushAsync();
        var texts = new List<string>();
        using var cts = new CancellationTokenSource(WaitLimit);
        await foreach (var msg in subscription.Messages.ReadAllAsync(cts.Token))
        {
            texts.Add(Text(msg));
        }

        Assert.That(texts, Is.EqualTo(new[] { "m1", "m2" }));
    }

    [Test]
    public async Task AutoUnsubscribe_AfterSubscribing_StopsAfterMax()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        var subscription = subscriber.Subscribe("auto");
        subscription.AutoUnsubscribe(1);
        await subscriber.FlushAsync();

        await publisher.PublishAsync("auto", Bytes("a"));
        await publisher.PublishAsync("auto", Bytes("b"));
        await publisher.FlushAsync();

        Assert.That(Text(await ReceiveAsync(subscription)), Is.EqualTo("a"));
        using var cts = new CancellationTokenSource(WaitLimit);
        Assert.That(await subscription.Messages.WaitToReadAsync(cts.Token), Is.False, "the channel completes after the max");
    }

    [Test]
    public async Task DisposedSubscription_ReceivesNothingMore()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        var subscription = await subscriber.SubscribeAsync("gone");
        await subscriber.FlushAsync();
        await subscription.DisposeAsync();
        await subscriber.FlushAsync();

        await publisher.PublishAsync("gone", Bytes("late"));
        await publisher.FlushAsync();
        await subscriber.FlushAsync();

        Assert.Multiple(() =>
        {
            Assert.That(subscription.Messages.Completion.IsCompleted, Is.True);
            Assert.That(subscriber.Statistics.InMessages, Is.Zero, "the server stopped sending after UNSUB");
        });
    }

    [Test]
    public async Task QueueGroup_DeliversEachMessageToOneMember()
    {
        await using var a = await ConnectAsync(_server.Url);
        await using var b = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        var count = 0;
        await using var sa = await a.SubscribeAsync("work", "workers", _ => Interlocked.Increment(ref count));
        await using var sb = await b.SubscribeAsync("work", "workers", _ => Interlocked.Increment(ref count));
        await a.FlushAsync();
        await b.FlushAsync();

        for (var i = 0; i < 50; i++)
        {
            await publisher.PublishAsync("work", Bytes("job"));
        }

        await publisher.FlushAsync();
        await a.FlushAsync();
        await b.FlushAsync();
        Assert.That(count, Is.EqualTo(50));
    }

    [Test]
    public async Task ManyPublishes_AreBatchedAndAllArrive()
    {
        const int Count = 100_000;
        await using var subscriber = await ConnectAsync(_server.Url);
        await using var publisher = await ConnectAsync(_server.Url);
        var received = 0;
        await using var subscription = await subscriber.SubscribeAsync("bulk", null, _ => Interlocked.Increment(ref received));
        await subscriber.FlushAsync();
        var payload = new byte[128];

        for (var i = 0; i < Count; i++)
        {
            await publisher.PublishAsync("bulk", payload);
        }

        await publisher.FlushAsync();
        await WaitUntilAsync(() => Volatile.Read(ref received) == Count, $"{Count} messages arrived");
        Assert.That(publisher.Statistics.OutMessages, Is.EqualTo(Count));
    }

    [Test]
    public async Task Dispose_FlushesBufferedPublishesBeforeClosing()
    {
        await using var subscriber = await ConnectAsync(_server.Url);
        var received = 0;
        await using var subscription = await subscriber.SubscribeAsync("drain", null, _ => Interlocked.Increment(ref received));
        await subscriber.FlushAsync();
        var publisher = await ConnectAsync(_server.Url);

        for (var i = 0; i < 1000; i++)
        {
            await publisher.PublishAsync("drain", Bytes("x"));
        }

        await publisher.DisposeAsync();

        await WaitUntilAsync(() => Volatile.Read(ref received) == 1000, "all 1000 messages arrived");
        Assert.That(publisher.State, Is.EqualTo(NatsConnectionState.Closed));
    }

    [Test]
    public async Task AfterDispose_OperationsThrowObjectDisposed()
    {
        var connection = await ConnectAsync(_server.Url);
        await connection.DisposeAsync();
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ObjectDisposedException>(async () => await connection.PublishAsync("x", Bytes("y")));
            Assert.Throws<ObjectDisposedException>(() => connection.Subscribe("x"));
        });
    }

    [Test]
    public void BeforeConnect_PublishThrowsInvalidOperation()
    {
        var connection = new NatsConnection(Options(_server.Url));
        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.PublishAsync("x", Bytes("y")));
        Assert.That(ex!.Message, Does.Contain("ConnectAsync"));
    }

    [Test]
    public async Task InvalidSubjects_AreRejectedLocally_AndTheConnectionStaysUsable()
    {
        await using var connection = await ConnectAsync(_server.Url);
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(async () => await connection.PublishAsync("bad subject", Bytes("x")));
            Assert.ThrowsAsync<ArgumentException>(async () => await connection.PublishAsync("wild.*", Bytes("x")));
            Assert.Throws<ArgumentException>(() => connection.Subscribe("a..b"));
        });
        await connection.FlushAsync();
        Assert.That(connection.Statistics.ErrorsFromServer, Is.Zero);
    }

    [Test]
    public void Connect_ToAClosedPort_FailsWithAClearException()
    {
        var port = NatsServerProcess.GetFreePort();
        var connection = new NatsConnection(Options($"nats://127.0.0.1:{port}"));
        var ex = Assert.ThrowsAsync<NatsConnectionException>(() => connection.ConnectAsync());
        Assert.That(ex!.Message, Does.Contain($"127.0.0.1:{port}"));
    }
}
