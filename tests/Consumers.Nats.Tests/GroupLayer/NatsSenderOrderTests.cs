using Consumers.Groups;

namespace Consumers.Nats.Tests;

/// <summary>
/// One sender's messages on one subscription: duplicates are dropped, and a message that overtook an earlier one (the
/// client's unsent bytes going out on a reconnect before the sender publishes again what the dead socket swallowed)
/// waits for it, so both are delivered once and in order; a gap never filled is given up after a while.
/// </summary>
[TestFixture]
public sealed class NatsSenderOrderTests
{
    [Test]
    public void InOrder_AndDuplicates_AreDeliveredOnce()
    {
        var order = new NatsSenderOrder();
        var ready = new List<NatsInbound>();
        foreach (var (seq, previous) in new[] { (10L, 0L), (12L, 10L), (12L, 10L), (10L, 0L), (15L, 12L) })
        {
            order.Offer(Message("a", seq, previous), 0, ready);
        }

        Assert.Multiple(() =>
        {
            Assert.That(ready.Select(m => m.Sequence), Is.EqualTo(new[] { 10L, 12L, 15L }));
            Assert.That(order.Duplicates, Is.EqualTo(2));
            Assert.That(order.Waiting, Is.False);
        });
    }

    [Test]
    public void AMessageThatOvertookAnEarlierOne_WaitsForIt_ThenBothGoInOrder()
    {
        var order = new NatsSenderOrder();
        var ready = new List<NatsInbound>();
        order.Offer(Message("a", 10, 0), 0, ready);
        order.Offer(Message("a", 12, 11), 0, ready);
        order.Offer(Message("a", 13, 12), 0, ready);
        order.Offer(Message("b", 5, 0), 0, ready);
        Assert.That(ready.Select(m => (m.SenderNode, m.Sequence)), Is.EqualTo(new[] { ("a", 10L), ("b", 5L) }), "12 and 13 wait for 11; another sender's messages do not");

        order.Offer(Message("a", 10, 0), 0, ready);
        order.Offer(Message("a", 11, 10), 0, ready);
        order.Offer(Message("a", 12, 11), 0, ready);
        Assert.Multiple(() =>
        {
            Assert.That(ready.Where(m => m.SenderNode == "a").Select(m => m.Sequence), Is.EqualTo(new[] { 10L, 11L, 12L, 13L }), "once each, in the sender's order");
            Assert.That(order.Waiting, Is.False);
            Assert.That(order.Duplicates, Is.EqualTo(2), "the republished 10 and 12");
        });
    }

    [Test]
    public void AGapNeverFilled_IsGivenUpAfterTheWait_AndTheMissingMessageIsThenADuplicate()
    {
        var order = new NatsSenderOrder();
        var ready = new List<NatsInbound>();
        order.Offer(Message("a", 10, 0), 0, ready);
        order.Offer(Message("a", 12, 11), 1000, ready);
        order.Expire(1000 + (long)NatsSenderOrder.GapWait.TotalMilliseconds - 1, ready);
        Assert.That(ready.Select(m => m.Sequence), Is.EqualTo(new[] { 10L }), "still waiting");

        order.Expire(1000 + (long)NatsSenderOrder.GapWait.TotalMilliseconds, ready);
        order.Offer(Message("a", 11, 10), 5000, ready);
        Assert.Multiple(() =>
        {
            Assert.That(ready.Select(m => m.Sequence), Is.EqualTo(new[] { 10L, 12L }), "12 went without 11; 11 arriving after that would be out of order and is dropped");
            Assert.That(order.Waiting, Is.False);
        });
    }

    [Test]
    public void UntaggedMessages_AndOnesThatNameNoPrevious_GoAtOnce()
    {
        var order = new NatsSenderOrder();
        var ready = new List<NatsInbound>();
        order.Offer(Message("a", 10, 0), 0, ready);
        order.Offer(Message("a", 20, 0), 0, ready);
        order.Offer(new NatsInbound(new GroupMessage("{}"u8.ToArray()), null, null, 0, 0, 0, false), 0, ready);
        Assert.That(ready, Has.Count.EqualTo(3));
    }

    private static NatsInbound Message(string sender, long sequence, long previous)
        => new(new GroupMessage("{}"u8.ToArray()), null, sender, sequence, previous, 0, false);
}
