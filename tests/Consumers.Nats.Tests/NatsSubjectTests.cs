using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsSubjectTests
{
    [TestCase("foo")]
    [TestCase("grp.chat.room-1")]
    [TestCase("foo.*.bar")]
    [TestCase("foo.>")]
    [TestCase(">")]
    [TestCase("*")]
    public void ValidSubscriptionSubjects_AreAccepted(string subject)
    {
        Assert.DoesNotThrow(() => NatsSubject.Validate(subject, allowWildcards: true, "subject"));
    }

    [TestCase("", "empty")]
    [TestCase("a..b", "empty token")]
    [TestCase(".a", "empty token")]
    [TestCase("a.", "empty token")]
    [TestCase("a b", "whitespace")]
    [TestCase("a\tb", "whitespace")]
    [TestCase("a\r\nPUB", "whitespace")]
    [TestCase("foo*", "whole tokens")]
    [TestCase("foo.b>", "whole tokens")]
    [TestCase("foo.>.bar", "last token")]
    public void InvalidSubjects_ThrowArgumentException_SayingWhy(string subject, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => NatsSubject.Validate(subject, allowWildcards: true, "subject"));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(reason));
            Assert.That(ex.ParamName, Is.EqualTo("subject"));
        });
    }

    [TestCase("foo.*")]
    [TestCase("foo.>")]
    public void Wildcards_AreRejectedWhereNotAllowed(string subject)
    {
        var ex = Assert.Throws<ArgumentException>(() => NatsSubject.Validate(subject, allowWildcards: false, "subject"));
        Assert.That(ex!.Message, Does.Contain("wildcards"));
    }

    [Test]
    public void QueueGroups_FollowSubjectRules()
    {
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(() => NatsSubject.ValidateQueue("workers", "queue"));
            Assert.Throws<ArgumentException>(() => NatsSubject.ValidateQueue("my workers", "queue"));
            Assert.Throws<ArgumentException>(() => NatsSubject.ValidateQueue("*", "queue"));
        });
    }
}
