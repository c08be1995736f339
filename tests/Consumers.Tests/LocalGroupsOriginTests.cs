using Consumers.Groups;

namespace Consumers.Tests;

/// <summary>
/// <see cref="LocalGroups.HasOriginMembers"/>: a group has members that track origins (resumable connections) while one
/// of them is in it; members that do not track origins never count; <see cref="GroupMessage.WithOrigin"/> sets an origin
/// once and copies the message for a second one.
/// </summary>
[TestFixture]
public sealed class LocalGroupsOriginTests
{
    [Test]
    public void AGroupHasOriginMembers_WhileAMemberThatTracksOriginsIsInIt()
    {
        var local = new LocalGroups();
        var plain = new Member("n.plain", tracks: false);
        var tracking = new Member("n.tracking", tracks: true);
        local.Add("room", plain);
        Assert.That(local.HasOriginMembers("room"), Is.False, "a member that does not track origins does not count");

        local.Add("room", tracking);
        local.Add("room", tracking);
        local.Add("other", tracking);
        Assert.Multiple(() =>
        {
            Assert.That(local.HasOriginMembers("room"), Is.True);
            Assert.That(local.HasOriginMembers("other"), Is.True);
            Assert.That(local.HasOriginMembers("nobody"), Is.False);
        });

        local.Remove("room", tracking);
        Assert.That(local.HasOriginMembers("room"), Is.False, "joined twice, left once: a join of a member already in is no join");
        local.Remove("other", tracking);
        local.Remove("other", tracking);
        Assert.That(local.HasOriginMembers("other"), Is.False);
    }

    [Test]
    public void WithOrigin_SetsItOnce_ThenCopiesTheMessage()
    {
        var message = new GroupMessage("{}"u8.ToArray(), "n.x", [new("h", "v")]);
        var first = new GroupMessageOrigin("a", "node1", 1);
        Assert.That(message.WithOrigin(first), Is.SameAs(message));
        Assert.That(message.Origin, Is.SameAs(first));

        var second = new GroupMessageOrigin("b", "node1", 2);
        var copy = message.WithOrigin(second);
        Assert.Multiple(() =>
        {
            Assert.That(copy, Is.Not.SameAs(message));
            Assert.That(copy.Origin, Is.SameAs(second));
            Assert.That(message.Origin, Is.SameAs(first), "the first origin stays");
            Assert.That(copy.Payload.ToArray(), Is.EqualTo(message.Payload.ToArray()));
            Assert.That(copy.ExcludeChannel, Is.EqualTo("n.x"));
            Assert.That(copy.GetHeader("h"), Is.EqualTo("v"));
        });
    }

    private sealed class Member(string channelName, bool tracks) : IGroupMember
    {
        public string ChannelName { get; } = channelName;

        public bool TracksOrigins => tracks;

        public bool Deliver(GroupMessage message) => true;
    }
}
