using System.Diagnostics;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Tests.Consumers;

namespace Consumers.Tests.Telemetry;

/// <summary>
/// While nobody listens to the <c>Consumers</c> source and meter, tracing costs nothing: no span, no header on group
/// messages (a plain fan-out stays header-free), no allocation per request. Counted, not timed.
/// </summary>
[NonParallelizable]
public sealed class TracingOffTests
{
    [Test]
    public void WithoutAListener_NoSourceListens()
        => Assert.That(ConsumerTracing.IsEnabled, Is.False, "a listener of another fixture was left registered");

    [Test]
    public void GroupMessage_SentInsideAnotherSourcesSpan_CarriesNoTraceContext()
    {
        // ASP.NET Core records a span per request whenever logging is on: that alone must not put headers on messages.
        using var other = new ActivitySource("Not.Consumers");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Not.Consumers",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var span = other.StartActivity("request");
        Assert.That(Activity.Current, Is.Not.Null);

        var message = GroupMessage.Event("""{"text":"x"}"""u8.ToArray(), typeof(ChatEvent));
        Assert.That(message.Headers.Select(h => h.Key), Is.EqualTo(new[] { GroupMessage.EventTypeHeader }));
    }

    [Test]
    public void ActionTelemetry_WithoutAListener_RecordsNothing_AndAllocatesNothing()
    {
        var action = "echo"u8.ToArray();
        var requestId = "\"r-1\""u8.ToArray();
        static void StartAndEnd(byte[] action, byte[] requestId)
        {
            var telemetry = ActionTelemetry.Start("EchoConsumer", action, requestId, default);
            telemetry.End(200);
        }

        // Warm (tiered compilation allocates once), then per call: the same measure as GroupSendAllocationTests.
        for (var i = 0; i < 1_000; i++)
        {
            StartAndEnd(action, requestId);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            StartAndEnd(action, requestId);
        }

        Assert.Multiple(() =>
        {
            Assert.That((GC.GetAllocatedBytesForCurrentThread() - before) / 1_000, Is.Zero, "bytes per request");
            Assert.That(ActionTelemetry.Start("EchoConsumer", action, requestId, default).IsActive, Is.False);
        });
    }
}
