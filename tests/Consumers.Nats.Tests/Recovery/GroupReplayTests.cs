using System.Text.Json;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests.Recovery;

/// <summary>
/// The NATS layer's replay of one group from its JetStream stream, over the Debian nats-server (2.9): only that group's
/// messages, in the order they were sent, though the stream holds every group's.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GroupReplayTests
{
    [Test]
    public async Task AGroupsReplay_HoldsThatGroupsMessagesOnly_InOrder()
    {
        await using var nodes = await RecoveryNodes.StartAsync();
        await using var host = await nodes.StartNodeAsync();
        var sender = host.Services.GetRequiredService<IGroupSender>();
        var replay = (IGroupReplay)host.Services.GetRequiredService<IGroupLayer>();
        Assert.That(replay.CanReplay, Is.True);
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        for (var i = 0; i < 10; i++)
        {
            await sender.SendAsync(i % 2 == 0 ? "room:one" : "room:two", new Line("server", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), LineJson.Default.Line);
        }

        // The stream stores them as they come: replayed until every one is there.
        List<string> one = [];
        List<string> two = [];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((one.Count < 5 || two.Count < 5) && DateTime.UtcNow < deadline)
        {
            one = await ReplayAsync(replay, "room:one", since);
            two = await ReplayAsync(replay, "room:two", since);
        }

        Assert.Multiple(() =>
        {
            Assert.That(one, Is.EqualTo(new[] { "0", "2", "4", "6", "8" }), "room:one's replay");
            Assert.That(two, Is.EqualTo(new[] { "1", "3", "5", "7", "9" }), "room:two's replay");
        });
    }

    private static async Task<List<string>> ReplayAsync(IGroupReplay replay, string group, DateTimeOffset since)
    {
        var texts = new List<string>();
        await replay.ReplayAsync(group, since, message =>
        {
            Assert.That(message.Origin?.Group, Is.EqualTo(group));
            texts.Add(JsonDocument.Parse(message.Payload).RootElement.GetProperty("text").GetString()!);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        return texts;
    }
}
