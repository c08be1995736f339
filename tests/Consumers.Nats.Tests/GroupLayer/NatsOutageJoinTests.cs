using Consumers.Testing.Nats;
using System.Diagnostics;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary>
/// While NATS is down, joins and leaves of groups take effect on this node at once and wait neither for the server nor
/// for each other; the group's NATS subscription follows once the server is back.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsOutageJoinTests
{
    [Test]
    public async Task WhileDisconnected_AJoinAndALeave_TakeEffectAtOnce_AndTheSubscriptionsFollowTheServersReturn()
    {
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartAsync(port: port);
        try
        {
            await using var host = await NatsHosts.StartAsync(server.Url);
            var layer = host.Layer();
            var local = host.Services.GetRequiredService<LocalGroups>();
            var before = new Member("a");
            await layer.AddAsync("room:before", before);
            Assert.That(layer.SubscribedGroups, Does.Contain("room:before"), "while NATS answers, a join completes with its subscription");

            await server.KillAsync();
            await server.DisposeAsync();
            await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);

            var watch = Stopwatch.StartNew();
            var during = new Member("b");
            await layer.AddAsync("room:during", during).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            var joinTook = watch.Elapsed;
            await layer.DiscardAsync("room:before", before).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            var bothTook = watch.Elapsed;

            Assert.Multiple(() =>
            {
                Assert.That(joinTook, Is.LessThan(TimeSpan.FromMilliseconds(200)), "the join waited for NATS");
                Assert.That(bothTook, Is.LessThan(TimeSpan.FromMilliseconds(400)), "the leave waited for NATS or for the pending subscription");
                Assert.That(local.Members("room:during"), Is.EqualTo(new[] { during }), "the member is in the group on this node");
                Assert.That(local.HasMembers("room:before"), Is.False);
                Assert.That(layer.SubscribedGroups, Does.Not.Contain("room:during"), "no subscription without a server");
            });

            server = await NatsServer.StartAsync(port: port);
            await Eventually.WaitUntilAsync(
                () => layer.SubscribedGroups.Contains("room:during") && !layer.SubscribedGroups.Contains("room:before"),
                TimeSpan.FromSeconds(10));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    public async Task WhileDisconnected_AJoinThenALeaveOfTheSameGroup_EndWithoutASubscription()
    {
        var port = NatsServer.GetFreePort();
        var server = await NatsServer.StartAsync(port: port);
        try
        {
            await using var host = await NatsHosts.StartAsync(server.Url);
            var layer = host.Layer();
            await server.KillAsync();
            await server.DisposeAsync();
            await Eventually.WaitUntilAsync(() => layer.Connection.ConnectionState != NatsConnectionState.Open);

            var member = new Member("c");
            await layer.AddAsync("room:brief", member);
            await layer.DiscardAsync("room:brief", member);
            await layer.AddAsync("room:stays", member);

            server = await NatsServer.StartAsync(port: port);
            await Eventually.WaitUntilAsync(() => layer.SubscribedGroups.Contains("room:stays"), TimeSpan.FromSeconds(10));
            await Task.Delay(300);
            Assert.That(layer.SubscribedGroups, Does.Not.Contain("room:brief"), "the pending subscription of a group left meanwhile is dropped");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private sealed class Member(string channel) : IGroupMember
    {
        public string ChannelName { get; } = channel;

        public bool Deliver(GroupMessage message) => true;
    }
}
