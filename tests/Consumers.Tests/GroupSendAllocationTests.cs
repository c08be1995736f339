using System.Runtime.CompilerServices;
using Consumers.Connections;
using Consumers.Groups;
using Consumers.Tests.Consumers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Tests;

/// <summary>
/// A group send allocates nothing per member once warm: the message is serialized once, and each member's delivery
/// shares its bytes. Counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, not timed.
/// </summary>
public sealed class GroupSendAllocationTests
{
    private const int Sends = 200;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_queue")]
    private static extern ref SendQueue? Queue(ConnectionWriter writer);

    // What a writer loop would do with the connection's queued frames (there is no socket): take them and count them written.
    private static void Drain(ConsumerConnection connection)
    {
        if (Queue(connection.Writer) is not { } queue)
        {
            return;
        }

        while (queue.TryTake(out var frame))
        {
            frame.Release();
        }

        connection.Writer.Written(queue.Written());
    }

    [Test]
    public void TrySend_OfASharedFrame_AllocatesNothing()
    {
        var connection = new ConsumerConnection(new ConsumerOptions(), NullLogger.Instance, "test");
        var bytes = new byte[] { (byte)'{', (byte)'}' };
        void SendOne()
        {
            connection.TrySend(OutboundFrame.Shared(bytes));
            Drain(connection);
        }

        Assert.That(AllocatedPerCall(SendOne), Is.Zero);
    }

    [TestCase(false, TestName = "LayerSend_ToTwentyMembers_AllocatesNoMoreThanToOne(a plain message)")]
    [TestCase(true, TestName = "LayerSend_ToTwentyMembers_AllocatesNoMoreThanToOne(a typed message with its event header)")]
    public void LayerSend_ToTwentyMembers_AllocatesNoMoreThanToOne(bool typed)
    {
        using var services = Services();
        var layer = services.GetRequiredService<IGroupLayer>();
        var payload = """{"type":"chat","from":"x","text":"hello"}"""u8.ToArray();

        // A typed send carries its type's name in a header, which every member reads (no member here handles the event).
        var message = typed ? GroupMessage.Event(payload, typeof(ChatLine)) : new GroupMessage(payload);
        var one = Members(services, "room:one", 1);
        var twenty = Members(services, "room:twenty", 20);

        var perSendToOne = AllocatedPerCall(() => SendAndDrain(layer, "room:one", message, one));
        var perSendToTwenty = AllocatedPerCall(() => SendAndDrain(layer, "room:twenty", message, twenty));
        Assert.That(perSendToTwenty - perSendToOne, Is.Zero, $"bytes per send: {perSendToOne} to 1 member, {perSendToTwenty} to 20");
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConsumers(o =>
        {
            o.RateLimitPerSecond = 0;
            o.MaxConnectionsPerAddress = 0;
        });
        return services.BuildServiceProvider();
    }

    private static ConsumerConnection[] Members(ServiceProvider services, string group, int count)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsumerOptions>>().Value;
        var members = new ConsumerConnection[count];
        for (var i = 0; i < count; i++)
        {
            var connection = new ConsumerConnection(options, NullLogger.Instance, "test");
            var set = ConsumerSet.Create([ConsumerRegistration.For<RoomConsumer>(null)], multiplexed: false, connection, new DefaultHttpContext { RequestServices = services }, services);
            var consumer = (RoomConsumer)set.Consumers.Single();
            consumer.Join(group).AsTask().GetAwaiter().GetResult();
            members[i] = connection;
        }

        return members;
    }

    private static void SendAndDrain(IGroupLayer layer, string group, GroupMessage message, ConsumerConnection[] members)
    {
        var sending = layer.SendAsync(group, message);
        if (!sending.IsCompletedSuccessfully)
        {
            sending.AsTask().GetAwaiter().GetResult();
        }

        foreach (var member in members)
        {
            Drain(member);
        }
    }

    // Bytes this thread allocates per call, once warm (the first calls fill pools and caches).
    private static long AllocatedPerCall(Action call)
    {
        for (var i = 0; i < Sends; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Sends; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Sends;
    }
}
