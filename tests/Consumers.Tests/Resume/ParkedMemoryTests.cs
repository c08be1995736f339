using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests.Resume;

/// <summary>
/// The memory 1,000 parked sessions hold (docs/protocol.md, "Resumable connections"): each keeps its consumer, its DI
/// scope, its request and the frames it missed, no more; the figure is printed and bounded generously.
/// </summary>
public sealed class ParkedMemoryTests
{
    private const int Sessions = 1000;

    [Test]
    public async Task AThousandParkedSessions_StayWithinTheDocumentedBound()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapConsumer<RoomConsumer>("/ws/rooms/{room}"),
            o =>
            {
                o.MaxConnectionsPerAddress = 0;
                o.KeepAliveInterval = TimeSpan.Zero;
            });
        var sessions = host.Services.GetRequiredService<global::Consumers.Connections.ResumeSessions>();
        var baseline = Measure();
        var parkedBefore = CountParked();

        var clients = new List<ResumeClient>();
        for (var i = 0; i < Sessions; i += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                var client = await ResumeClient.ConnectAsync(host.WebSocketUri("/ws/rooms/parked"));
                await client.ReadResumeAsync();
                return client;
            }));
            clients.AddRange(batch);
        }

        Assert.That(sessions.Count, Is.EqualTo(Sessions));

        // Every session misses one group message of about 100 bytes, then its socket is cut.
        foreach (var client in clients)
        {
            client.Drop();
        }

        var sender = host.Services.GetRequiredService<IGroupSender>();
        await sender.SendAsync("room:parked", new ChatLine("chat", "server", new string('x', 40)), RoomJsonContext.Default.ChatLine);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        clients.Clear();
        await Eventually.WaitUntilAsync(() => CountParked() - parkedBefore >= Sessions, TimeSpan.FromSeconds(30));
        Assert.That(sessions.Count, Is.EqualTo(Sessions), "all parked, none ended");

        var parked = Measure();
        var perSession = (parked - baseline) / Sessions;
        await TestContext.Out.WriteLineAsync($"{Sessions} parked sessions: {(parked - baseline) / 1024.0 / 1024.0:F1} MiB managed, {perSession / 1024.0:F1} KiB each");

        // Documented in docs/protocol.md (measured about 32 KiB each, the request, scope, consumer and socket state the
        // handler keeps, and the kept frame); bounded at 96 KiB each.
        Assert.That(perSession, Is.LessThan(96 * 1024));
    }

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int CountParked() => CapturingLoggerProvider.Instance.Entries.Count(e => e.EventId.Id == 61);
}
