using System.Globalization;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Testing.Communication;
using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// The test kit's communicator across nodes: <c>ResumeAsync(uri)</c> sends its next socket to the other node, which
/// recovers the session from the communicator's position vector; the <c>$origin</c> frames are never handed out.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KitRecoveryTests
{
    [Test]
    public async Task TheCommunicator_ResumedAtTheOtherNode_IsRecovered_WithEveryLineOnceInOrder()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var hostA = await nodes.StartNodeAsync();
        await using var hostB = await nodes.StartNodeAsync();
        await using var communicator = await ConsumerCommunicator.ConnectAsync(hostA.WebSocketUri("/ws/rooms/kit"), o => o.Resume = true);
        Assert.That(communicator.ResumeOutcome, Is.EqualTo("fresh"));
        await using var sender = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/kit"));
        await using var probe = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/kit"));
        await NatsHosts.ProbeUntilReceivedAsync(sender, probe);
        for (var i = 0; i < 10; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        var lines = new List<string>();
        async Task ReadUntilAsync(int count)
        {
            while (lines.Count < count)
            {
                var frame = await communicator.ReceiveAsync();
                Assert.That(frame.Json.TryGetProperty("text", out var property), Is.True, "only lines, no $origin frame, are handed out: " + frame.RawJson);
                if (property.GetString() is { } text && !text.StartsWith("probe", StringComparison.Ordinal))
                {
                    lines.Add(text);
                }
            }
        }

        await ReadUntilAsync(10);
        communicator.Drop();
        for (var i = 10; i < 50; i++)
        {
            await sender.SendAsync($$"""{"action": "say", "text": "{{i}}"}""");
        }

        Assert.That(await communicator.ResumeAsync(hostB.BaseUri), Is.EqualTo("recovered"));
        await ReadUntilAsync(50);
        await sender.SendAsync("""{"action": "say", "text": "last"}""");
        await ReadUntilAsync(51);
        Assert.That(lines, Is.EqualTo(Enumerable.Range(0, 50).Select(i => i.ToString(CultureInfo.InvariantCulture)).Append("last")), "every line once, in order");
    }
}
