using Consumers.Testing.Nats;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests;

/// <summary>Messages arriving from NATS reach this node's members; one failing delivery does not stop the next.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsDeliveryTests
{
    [Test]
    public async Task AMemberThatThrows_IsLogged_AndTheSubscriptionKeepsDelivering()
    {
        await using var server = await NatsServer.StartAsync();
        await using var hostA = await NatsHosts.StartAsync(server.Url);
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        var member = new ThrowOnceMember();
        await hostB.Layer().AddAsync("room:throws", member);

        // Interest crosses to the server before AddAsync returns (PONG); still probe so a slow route cannot make this flaky.
        await Eventually.WaitUntilAsync(() =>
        {
            hostA.Layer().SendAsync("room:throws", new GroupMessage("{\"n\":0}"u8.ToArray())).AsTask().Wait();
            return member.Calls > 0;
        });
        await hostA.Layer().SendAsync("room:throws", new GroupMessage("{\"n\":1}"u8.ToArray()));
        await Eventually.WaitUntilAsync(() => member.Delivered.Contains("{\"n\":1}"));

        Assert.That(
            CapturingLoggerProvider.Instance.Entries.Any(e => e.EventId.Name == "NatsDeliveryFailed" && e.Message.Contains("consumers.g.room:throws", StringComparison.Ordinal)),
            Is.True);
    }

    [TestCase("")]
    [TestCase("two.tokens")]
    [TestCase("wild*")]
    public void InvalidSubjectPrefix_IsRejected_NamingTheSetting(string prefix)
    {
        var options = new NatsGroupLayerOptions { SubjectPrefix = prefix };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("Consumers:Nats:SubjectPrefix"));
    }

    private sealed class ThrowOnceMember : IGroupMember
    {
        private int _calls;

        public string ChannelName => "nochannel.1";

        public int Calls => Volatile.Read(ref _calls);

        public System.Collections.Concurrent.ConcurrentBag<string> Delivered { get; } = [];

        public bool Deliver(GroupMessage message)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                throw new InvalidOperationException("a member that fails");
            }

            Delivered.Add(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
            return true;
        }
    }
}
