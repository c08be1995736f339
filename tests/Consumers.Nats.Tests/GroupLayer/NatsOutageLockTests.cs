using Consumers.Testing.Nats;
using System.Diagnostics;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>
/// While NATS is down, joins and leaves of groups neither wait for the server nor for each other: no node-wide lock is
/// held across a wait for NATS, and a disconnect's clean-up never blocks.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsOutageLockTests
{
    [Test]
    public async Task WhileDisconnected_AJoinFailsAfterPublishTimeout_AndALeaveDoesNotWaitForIt()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await NatsHosts.StartAsync(server.Url, o => o.PublishTimeout = TimeSpan.FromMilliseconds(500));
        var layer = host.Layer();
        var before = new Member("a");
        await layer.AddAsync("room:before", before);

        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);

        var watch = Stopwatch.StartNew();
        var join = layer.AddAsync("room:during", new Member("b")).AsTask();
        await layer.DiscardAsync("room:before", before).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var leaveTook = watch.Elapsed;
        var exception = Assert.ThrowsAsync<NatsGroupLayerUnavailableException>(() => join.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Multiple(() =>
        {
            Assert.That(leaveTook, Is.LessThan(TimeSpan.FromMilliseconds(400)), "the leave waited neither for NATS nor for the pending join");
            Assert.That(exception!.Message, Does.Contain("room:during").And.Contain("PublishTimeout"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the join failed after a bounded time");
            Assert.That(layer.SubscribedGroups, Does.Not.Contain("room:before").And.Not.Contain("room:during"));
        });
    }

    [Test]
    public async Task AfterAFailedJoin_TheGroupCanBeJoinedOnceTheServerIsBack()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await NatsHosts.StartAsync(server.Url, o => o.PublishTimeout = TimeSpan.FromMilliseconds(300));
        var layer = host.Layer();
        var port = new Uri(server.Url).Port;
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);
        var member = new Member("c");
        Assert.ThrowsAsync<NatsGroupLayerUnavailableException>(() => layer.AddAsync("room:later", member).AsTask());

        await using var again = await NatsServer.StartAsync(port: port);
        await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState == NatsConnectionState.Open, TimeSpan.FromSeconds(10));
        await layer.AddAsync("room:later", member);
        Assert.That(layer.SubscribedGroups, Does.Contain("room:later"));
    }

    private sealed class Member(string channel) : IGroupMember
    {
        public string ChannelName { get; } = channel;

        public bool Deliver(GroupMessage message) => true;
    }
}
