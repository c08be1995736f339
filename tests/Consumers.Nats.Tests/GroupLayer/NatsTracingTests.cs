using System.Collections.Concurrent;
using System.Diagnostics;
using Consumers.Testing.Nats;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests;

/// <summary>
/// One trace across two nodes over a real nats-server: the group message carries the sender's W3C trace context as a
/// NATS header, so node B's delivery and its member's [GroupEvent] handler are children of node A's action span.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsTracingTests
{
    [Test]
    public async Task GroupEvent_SentOnNodeA_IsHandledOnNodeB_InTheSameTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Consumers",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/traced"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/traced"));
        await NatsHosts.ProbeUntilReceivedAsync(a, b);

        await a.SendAsync("""{"action": "shout", "text": "traced", "request_id": "cross-node"}""");
        while ((await b.ReceiveAsync())["text"]?.GetValue<string>().StartsWith("TRACED", StringComparison.Ordinal) != true)
        {
        }

        var send = await Eventually.WaitForAsync(
            () => stopped.Where(s => Equals(s.GetTagItem("consumers.request_id"), "cross-node")).ToArray(),
            static spans => spans.Length == 1);
        Assert.That(send[0].DisplayName, Is.EqualTo("ChatConsumer/shout"));
        var traceId = send[0].TraceId;

        // Node A delivers to its own member and node B to its member (after NATS): two deliveries, two handler runs,
        // all children of the action's span. Node B's could only get the trace id from the message's headers.
        var deliveries = await Eventually.WaitForAsync(
            () => stopped.Where(s => s.DisplayName == "group deliver" && s.TraceId == traceId).ToArray(),
            static spans => spans.Length == 2);
        var handlers = await Eventually.WaitForAsync(
            () => stopped.Where(s => s.DisplayName == "ChatConsumer/Shout" && s.TraceId == traceId).ToArray(),
            static spans => spans.Length == 2);
        Assert.Multiple(() =>
        {
            Assert.That(deliveries.Select(d => d.ParentSpanId), Is.All.EqualTo(send[0].SpanId));
            Assert.That(deliveries.Select(d => d.HasRemoteParent), Is.EquivalentTo(new[] { true, true }), "each parented from the message's traceparent header");
            Assert.That(handlers.Select(h => h.ParentSpanId), Is.All.EqualTo(send[0].SpanId));
            Assert.That(deliveries.Select(d => d.GetTagItem("messaging.destination.name")), Is.All.EqualTo("room:traced"));
        });
    }
}
