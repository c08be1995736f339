using System.Collections.Concurrent;
using System.Text;
using Consumers.Testing.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat's OpenTelemetry wiring (ChatTelemetry) against a collector stand-in: an HTTP endpoint that takes OTLP over
/// http/protobuf, as an OpenTelemetry Collector would. The spans' names and the metrics' names are UTF-8 strings in the
/// protobuf bodies; the test looks for them there.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TelemetryExportTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("consumers-chat-otel-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public async Task WithAnOtlpEndpoint_TheChatExportsConsumerSpansAndMetrics()
    {
        var bodies = new ConcurrentQueue<(string Path, byte[] Body)>();
        var collector = WebApplication.CreateSlimBuilder();
        collector.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        collector.Logging.ClearProviders();
        await using var otlp = collector.Build();
        otlp.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            bodies.Enqueue((context.Request.Path, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await otlp.StartAsync();
        var endpoint = otlp.Urls.First();

        await using var app = await ChatApp.StartAsync(Path.Combine(_directory, "chat.db"), settings: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var http = app.CreateHttpClient();
        var token = await ChatAccounts.RegisterAsync(http, "tracer");
        await using (var socket = await app.ConnectAsync("/ws/chat/traced?access_token=" + Uri.EscapeDataString(token)))
        {
            await socket.SendAsync("""{"message": "hello, collector"}""");
            await socket.ReceiveAsync();
        }

        bool Exported(string path, string text) => bodies.Any(b => b.Path == path && Encoding.UTF8.GetString(b.Body).Contains(text, StringComparison.Ordinal));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!(Exported("/v1/traces", "TutorialConsumer/receive") && Exported("/v1/metrics", "consumers.action.duration")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Exported("/v1/traces", "TutorialConsumer/receive"), Is.True, "the message's span reached the collector");
            Assert.That(Exported("/v1/traces", "group deliver"), Is.True, "the room's delivery, in the same trace");
            Assert.That(Exported("/v1/traces", "consumers-chat"), Is.True, "the service name");
            Assert.That(Exported("/v1/metrics", "consumers.action.duration"), Is.True, "the Consumers meter");
            Assert.That(Exported("/v1/metrics", "consumers.connections.active"), Is.True);
        });
    }
}
