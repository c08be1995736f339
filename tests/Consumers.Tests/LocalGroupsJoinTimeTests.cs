using Consumers.Groups;

namespace Consumers.Tests;

/// <summary>
/// <see cref="LocalGroups"/>' join times: with them tracked (as a layer between nodes asks), a message goes only to the
/// members that had joined by the time given; without them, to every member; the local send path ignores them.
/// </summary>
[TestFixture]
public sealed class LocalGroupsJoinTimeTests
{
    [Test]
    public async Task WithJoinTimes_AMemberWhoJoinedAfterTheGivenTime_DoesNotGetTheMessage_TheOthersDo()
    {
        var local = new LocalGroups();
        local.TrackJoinTimes();
        var early = new Member("n.early");
        var late = new Member("n.late");
        local.Add("room", early);
        var between = await TimeBetweenJoinsAsync(() => local.Add("room", late));

        var message = new GroupMessage("{}"u8.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(local.Deliver("room", message, joinedBy: between), Is.EqualTo(1));
            Assert.That(early.Received, Is.EqualTo(1));
            Assert.That(late.Received, Is.Zero, "joined after the time given");
            Assert.That(message.HandedToMembers.IsCompleted, Is.True, "handed to the members (those it goes to) all the same");
            Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray()), joinedBy: long.MaxValue), Is.EqualTo(2), "a message sent after both joins reaches both");
            Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray())), Is.EqualTo(2), "the local send path does not look at join times");
        });
    }

    [Test]
    public async Task WithJoinTimes_TheExcludedChannelIsStillLeftOut_AndALeaveKeepsTheOthersTimes()
    {
        var local = new LocalGroups();
        local.TrackJoinTimes();
        var a = new Member("n.a");
        var b = new Member("n.b");
        var c = new Member("n.c");
        local.Add("room", a);
        local.Add("room", b);
        var between = await TimeBetweenJoinsAsync(() => local.Add("room", c));
        local.Add("room", b);
        local.Remove("room", a);

        Assert.Multiple(() =>
        {
            Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray(), excludeChannel: "n.b"), joinedBy: long.MaxValue), Is.EqualTo(1), "c only: b is excluded, a left");
            Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray()), joinedBy: between), Is.EqualTo(1), "b only: joining again keeps b's first join time; c joined after");
            Assert.That(a.Received, Is.Zero);
            Assert.That(b.Received, Is.EqualTo(1));
            Assert.That(c.Received, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task WithoutJoinTimes_EveryMemberGetsTheMessage_WhateverTheTime()
    {
        var local = new LocalGroups();
        var early = new Member("n.early");
        var late = new Member("n.late");
        local.Add("room", early);
        var between = await TimeBetweenJoinsAsync(() => local.Add("room", late));

        Assert.Multiple(() =>
        {
            Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray()), joinedBy: between), Is.EqualTo(2));
            Assert.That(local.Deliver("nobody", new GroupMessage("{}"u8.ToArray()), joinedBy: between), Is.Zero);
        });
    }

    [Test]
    public void JoinTimesTrackedAfterMembersJoined_CountThoseMembersAsJoinedLongAgo()
    {
        var local = new LocalGroups();
        var before = new Member("n.before");
        local.Add("room", before);
        local.TrackJoinTimes();
        var after = new Member("n.after");
        local.Add("room", after);

        Assert.That(local.Deliver("room", new GroupMessage("{}"u8.ToArray()), joinedBy: 0), Is.EqualTo(1), "the member from before tracking, not the one joined now");
        Assert.That(before.Received, Is.EqualTo(1));
    }

    // Runs `join` strictly after the returned time (Unix ms) and strictly after the joins made before this call.
    private static async Task<long> TimeBetweenJoinsAsync(Action join)
    {
        await Task.Delay(20);
        var between = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(20);
        join();
        return between;
    }

    private sealed class Member(string channel) : IGroupMember
    {
        public string ChannelName { get; } = channel;

        public int Received { get; private set; }

        public bool Deliver(GroupMessage message)
        {
            Received++;
            return true;
        }
    }
}
