using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Consumers.Connections;
using Consumers.Tests.Consumers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Tests.Filters;

/// <summary>
/// Pay for play: with no filter registered, a dispatched request (parse, bind two parameters, call, queue the reply)
/// allocates nothing once warm, as the dispatch benchmark's request does: the generated binder calls the method directly.
/// With a global filter the same request takes the filter path and gets the same reply. Counted with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, not timed.
/// </summary>
public sealed class DispatchAllocationTests
{
    private const int Requests = 200;
    private static readonly byte[] Request = """{"action":"add","a":20,"b":22,"request_id":7}"""u8.ToArray();
    private const string Reply = """{"errors":[],"data":42,"action":"add","response_status":200,"request_id":7}""";

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_queue")]
    private static extern ref SendQueue? Queue(ConnectionWriter writer);

    [Test]
    public void DispatchedRequest_WithNoFilterRegistered_AllocatesNothing()
    {
        if (typeof(Consumer).Assembly.GetCustomAttribute<DebuggableAttribute>() is { IsJITOptimizerDisabled: true })
        {
            Assert.Ignore("In a Debug build async state machines are classes: build/test.sh runs this in Release.");
        }

        using var services = Services(filter: false);
        var (set, connection) = Connect(services);
        Assert.That(HandleAndTake(set, connection), Is.EqualTo(Reply));
        Assert.That(AllocatedPerCall(() => HandleAndTake(set, connection, keep: false)), Is.Zero);
    }

    [Test]
    public void DispatchedRequest_WithAGlobalFilter_RunsItAndRepliesAlike()
    {
        using var services = Services(filter: true);
        var (set, connection) = Connect(services);
        Assert.Multiple(() =>
        {
            Assert.That(HandleAndTake(set, connection), Is.EqualTo(Reply));
            Assert.That(services.GetRequiredService<FilterLog>().Entries, Is.EqualTo(new[] { "global>add", "global<200" }));
        });
    }

    private static ServiceProvider Services(bool filter)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<FilterLog>();
        services.AddConsumers(o =>
        {
            if (filter)
            {
                o.AddFilter<GlobalOrderFilter>();
            }
        });
        return services.BuildServiceProvider();
    }

    private static (ConsumerSet Set, ConsumerConnection Connection) Connect(ServiceProvider services)
    {
        var connection = new ConsumerConnection(new ConsumerOptions(), NullLogger.Instance, "test");
        var set = ConsumerSet.Create([ConsumerRegistration.For<UnfilteredConsumer>(null)], multiplexed: false, connection, new DefaultHttpContext { RequestServices = services }, services);
        return (set, connection);
    }

    private static string? HandleAndTake(ConsumerSet set, ConsumerConnection connection, bool keep = true)
    {
        var pending = set.HandleAsync(Request);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        if (Queue(connection.Writer) is not { } queue || !queue.TryTake(out var frame))
        {
            return null;
        }

        connection.Writer.Written(queue.Written());
        var text = keep ? Encoding.UTF8.GetString(frame.Memory.Span) : null;
        frame.Release();
        return text;
    }

    // Bytes this thread allocates per call, once warm (the first calls fill pools and caches).
    private static long AllocatedPerCall(Action call)
    {
        for (var i = 0; i < Requests; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Requests; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Requests;
    }
}
