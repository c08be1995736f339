using System.Globalization;
using System.Text.Json;
using Consumers.Clients;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Consumers.Tests.Resume;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// The generated .NET client across nodes without sticky routing: its socket is cut, its next socket lands on the
/// other node (as a load balancer may send it), which recovers the session from the client's position vector; the
/// state goes <see cref="ConsumerClientState.Recovered"/> and every line arrives once, in order; <c>$origin</c> frames
/// never reach the app.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ClientRecoveryTests
{
    [Test]
    public async Task TheDotNetClient_LandsOnTheOtherNode_AndIsRecovered_WithEveryLineOnceInOrder()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync();
        await using var hostB = await nodes.StartNodeAsync();
        var states = new List<ConsumerClientState>();
        var toB = false;

        // The "load balancer": after the drop, the client's next socket goes to node B.
        var tcp = new Droppable { Route = uri => Volatile.Read(ref toB) ? new UriBuilder(uri) { Port = hostB.BaseUri.Port }.Uri : uri };
        var options = tcp.Options(resume: true, states);
        await using var client = await ChatConsumerClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/net"), options);
        var lines = new List<string>();
        var origins = 0;
        using var frames = client.OnFrame(frame =>
        {
            lock (lines)
            {
                if (frame.TryGetProperty("action", out var action) && action.GetString() == "$origin")
                {
                    origins++;
                }
                else if (frame.TryGetProperty("text", out var text) && text.GetString() is { } line && !line.StartsWith("probe", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }
        });
        int Count()
        {
            lock (lines)
            {
                return lines.Count;
            }
        }

        await using var sender = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/net"));
        await using var probe = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/net"));
        await NatsHosts.ProbeUntilReceivedAsync(sender, probe);
        for (var i = 0; i < 10; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        await Eventually.WaitUntilAsync(() => Count() == 10, TimeSpan.FromSeconds(10));
        Volatile.Write(ref toB, true);
        tcp.Drop();

        for (var i = 10; i < 100; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        await Eventually.WaitUntilAsync(() => client.State == ConsumerClientState.Recovered, TimeSpan.FromSeconds(15));
        await Eventually.WaitUntilAsync(() => Count() >= 100, TimeSpan.FromSeconds(15));
        Assert.That((await client.ChannelAsync()).Data, Does.StartWith(hostB.Services.GetRequiredService<Consumers.Groups.NodeIdentity>().Id + "."), "a consumer on node B");
        lock (lines)
        {
            Assert.That(lines, Is.EqualTo(Enumerable.Range(0, 100).Select(i => i.ToString(CultureInfo.InvariantCulture))), "every line once, in order");
            Assert.That(origins, Is.Zero, "$origin frames are the session's, not the app's");
        }

        lock (states)
        {
            Assert.That(states, Is.EqualTo(new[] { ConsumerClientState.Closed, ConsumerClientState.Connecting, ConsumerClientState.Recovered }));
        }
    }
}
