using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Consumers.Diagnostics;
using Consumers.Groups;
using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Telemetry;

/// <summary>
/// The runtime's spans and metrics, read with an <see cref="ActivityListener"/> and a <see cref="MeterListener"/> as an
/// OpenTelemetry SDK would: one server span per handled message, handler spans in the sender's trace, the durations
/// and the open-connection count. The listeners are the process's: the fixture runs alone.
/// </summary>
[NonParallelizable]
public sealed class TracingTests
{
    private TestHost _host = null!;
    private ActivityListener _listener = null!;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    [OneTimeSetUp]
    public async Task Start()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ConsumerTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<EchoConsumer>("/ws/echo");
                app.MapConsumer<CallsConsumer>("/ws/calls");
                app.MapConsumer<EventConsumer>("/ws/events/{room}");
                app.MapConsumer<PlainChatConsumer>("/ws/plain/{room}");
            },
            o => o.RateLimitPerSecond = 0,
            services => services.AddScoped<Counter>().AddSingleton<CallLog>().AddSingleton<ActionGate>());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        _listener.Dispose();
    }

    private Activity[] Spans(Func<Activity, bool> match) => [.. _stopped.Where(match)];

    private async Task<Activity> SpanAsync(Func<Activity, bool> match)
    {
        var found = await Eventually.WaitForAsync(() => Spans(match), static spans => spans.Length > 0);
        Assert.That(found, Has.Length.EqualTo(1), "one span");
        return found[0];
    }

    [Test]
    public async Task HandledRequest_IsOneServerSpan_WithoutParent_LinkedToTheHttpRequest()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var reply = await client.RequestAsync("""{"action": "echo", "text": "hi", "request_id": "trace-1"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));

        var span = await SpanAsync(a => a.Source.Name == ConsumerTracing.SourceName && Equals(a.GetTagItem("consumers.request_id"), "trace-1"));
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo("EchoConsumer/echo"));
            Assert.That(span.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(span.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "no parent: the connection's HTTP request lasts as long as the socket");
            Assert.That(span.GetTagItem("rpc.system"), Is.EqualTo("consumers"));
            Assert.That(span.GetTagItem("rpc.service"), Is.EqualTo("EchoConsumer"));
            Assert.That(span.GetTagItem("rpc.method"), Is.EqualTo("echo"));
            Assert.That(span.GetTagItem("consumers.response_status"), Is.EqualTo(200));
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });

        // The link names the span of the HTTP request that opened the socket (it ends when the socket does).
        var link = span.Links.Single();
        await client.DisposeAsync();
        var http = await SpanAsync(a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == link.Context.SpanId);
        Assert.That(http.TraceId, Is.EqualTo(link.Context.TraceId));
    }

    [Test]
    public async Task FailedAction_MarksTheSpanAsAnError()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var reply = await client.RequestAsync("""{"action": "crash", "request_id": "trace-500"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(500));

        var span = await SpanAsync(a => Equals(a.GetTagItem("consumers.request_id"), "trace-500"));
        Assert.Multiple(() =>
        {
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(span.GetTagItem("error.type"), Is.EqualTo("500"));
            Assert.That(span.GetTagItem("consumers.response_status"), Is.EqualTo(500));
        });
    }

    [Test]
    public async Task UnknownAction_NamesNoClientText_InTheSpan()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        var reply = await client.RequestAsync("""{"action": "no_such_thing_42", "request_id": "trace-405"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(405));

        var span = await SpanAsync(a => Equals(a.GetTagItem("consumers.request_id"), "trace-405"));
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo("EchoConsumer/_OTHER"));
            Assert.That(span.GetTagItem("rpc.method"), Is.EqualTo("_OTHER"));
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset), "a 4xx is the client's error, not the server's");
        });
    }

    [Test]
    public async Task Stream_SpanEndsWithItsLastFrame()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/calls"));
        await client.SendAsync("""{"action": "count", "n": 3, "yield_each": true, "request_id": "trace-stream"}""");
        for (var i = 0; i < 4; i++)
        {
            await client.ReceiveAsync();
        }

        var span = await SpanAsync(a => Equals(a.GetTagItem("consumers.request_id"), "trace-stream"));
        Assert.Multiple(() =>
        {
            Assert.That(span.DisplayName, Is.EqualTo("CallsConsumer/count"));
            Assert.That(span.GetTagItem("consumers.response_status"), Is.EqualTo(204), "ended by the stream's end envelope, not by its start");
        });
    }

    [Test]
    public async Task ConcurrentAction_SpanCoversTheWholeCall()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/calls"));
        var reply = await client.RequestAsync("""{"action": "slow", "name": "s", "ms": 300, "request_id": "trace-slow"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200));

        var span = await SpanAsync(a => Equals(a.GetTagItem("consumers.request_id"), "trace-slow"));
        Assert.That(span.Duration, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "the span ends with the reply, not when the call left the connection's order");
    }

    [Test]
    public async Task GroupSend_DeliveryAndHandlers_AreInTheSendersTrace()
    {
        await using var a = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/events/traced"));
        await using var b = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/events/traced"));
        await a.RequestAsync("""{"action": "say", "text": "hello", "request_id": "trace-say"}""");
        await b.ReceiveAsync();

        var send = await SpanAsync(s => Equals(s.GetTagItem("consumers.request_id"), "trace-say"));
        var delivery = await SpanAsync(s => s.DisplayName == "group deliver" && s.TraceId == send.TraceId);
        Assert.Multiple(() =>
        {
            Assert.That(delivery.ParentSpanId, Is.EqualTo(send.SpanId), "the delivery is a child of the span that sent the message");
            Assert.That(delivery.Kind, Is.EqualTo(ActivityKind.Consumer));
            Assert.That(delivery.GetTagItem("messaging.destination.name"), Is.EqualTo("events:traced"));
            Assert.That(delivery.GetTagItem("consumers.recipients"), Is.EqualTo(2));
        });

        // Each member's [GroupEvent] handler ran in a span of its own, in the sender's trace.
        var handlers = await Eventually.WaitForAsync(() => Spans(s => s.DisplayName == "EventConsumer/ChatEvent" && s.TraceId == send.TraceId), static spans => spans.Length == 2);
        Assert.That(handlers.Select(h => h.ParentSpanId), Is.All.EqualTo(send.SpanId));
    }

    [Test]
    public async Task HandlerSpan_OfAMessageSentOutsideATrace_IsARootSpan()
    {
        await using var b = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/events/untraced"));
        var layer = _host.Services.GetRequiredService<IGroupLayer>();
        var payload = """{"from":"server","text":"plain"}"""u8.ToArray();
        Activity.Current = null;
        await layer.SendAsync("events:untraced", GroupMessage.Event(payload, typeof(ChatEvent)), CancellationToken.None);
        await b.ReceiveAsync();

        var handler = await SpanAsync(s => s.DisplayName == "EventConsumer/ChatEvent" && s.ParentSpanId == default && s.Links.Any());
        Assert.That(Spans(s => s.DisplayName == "group deliver" && s.TraceId == handler.TraceId), Is.Empty, "a message outside any trace gets no delivery span");
    }

    [Test]
    public async Task PlainJsonMessage_IsASpanNamedReceive_WithTheStatusAnActionWouldHave()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/plain/traced"));
        await client.SendAsync("""{"message": "boom"}""");
        Assert.That((await client.ReceiveAsync())["error"], Is.Not.Null);

        var span = await SpanAsync(s => s.DisplayName == "PlainChatConsumer/receive");
        Assert.Multiple(() =>
        {
            Assert.That(span.GetTagItem("consumers.response_status"), Is.EqualTo(500));
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
        });
    }

    [Test]
    public async Task Metrics_ActionDuration_OpenConnections_ConnectionDuration()
    {
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConsumerMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Tags(tags))));
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Tags(tags))));
        meters.Start();

        var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/echo"));
        await client.RequestAsync("""{"action": "add", "a": 1, "b": 2, "request_id": 1}""");
        await client.RequestAsync("""{"action": "nope", "request_id": 2}""");
        await client.DisposeAsync();
        await Eventually.WaitUntilAsync(() => measurements.Any(m => m.Name == "consumers.connection.duration"));

        var actions = measurements.Where(m => m.Name == "consumers.action.duration").ToArray();
        Assert.That(actions.Select(m => (m.Tags["rpc.service"], m.Tags["rpc.method"], m.Tags["consumers.response_status"])),
            Is.EquivalentTo(new (object?, object?, object?)[] { ("EchoConsumer", "add", 200), ("EchoConsumer", "_OTHER", 405) }));
        Assert.That(actions.Select(m => m.Value), Is.All.GreaterThan(0).And.All.LessThan(10));
        var active = measurements.Where(m => m.Name == "consumers.connections.active").Select(m => m.Value).ToArray();
        Assert.That(active, Is.EqualTo(new double[] { 1, -1 }));
        Assert.That(measurements.Single(m => m.Name == "consumers.connection.duration").Value, Is.GreaterThan(0));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
