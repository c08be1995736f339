using System.Buffers;
using System.Text;
using System.Text.Json;
using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsProtocolWriterTests
{
    [Test]
    public void Connect_SendsTheOptionsTheClientReliesOn()
    {
        var buffer = new ArrayBufferWriter<byte>();
        NatsProtocolWriter.WriteConnect(buffer, new NatsClientOptions { Name = "node-1", Username = "u", Password = "p\"q" });
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.That(text, Does.StartWith("CONNECT {").And.EndWith("}\r\n"));
        using var json = JsonDocument.Parse(text[8..^2]);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("verbose").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("pedantic").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("headers").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("no_responders").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("echo").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("protocol").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("lang").GetString(), Is.EqualTo("csharp"));
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("node-1"));
            Assert.That(root.GetProperty("user").GetString(), Is.EqualTo("u"));
            Assert.That(root.GetProperty("pass").GetString(), Is.EqualTo("p\"q"));
            Assert.That(root.TryGetProperty("auth_token", out _), Is.False);
        });
    }

    [Test]
    public void Connect_SendsTokenAsAuthToken()
    {
        var buffer = new ArrayBufferWriter<byte>();
        NatsProtocolWriter.WriteConnect(buffer, new NatsClientOptions { Token = "s3cret", Echo = true });
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.That(text, Does.Contain("\"auth_token\":\"s3cret\"").And.Contain("\"echo\":true"));
    }

    [Test]
    public void Pub_WithEmptyPayload()
    {
        Assert.That(Write(w => NatsProtocolWriter.WritePublish(w, "x", null, null, 0, default)), Is.EqualTo("PUB x 0\r\n\r\n"));
    }

    [Test]
    public void Pub_WithReply()
    {
        Assert.That(Write(w => NatsProtocolWriter.WritePublish(w, "grp.demo", "_INBOX.1", null, 0, "hello"u8)), Is.EqualTo("PUB grp.demo _INBOX.1 5\r\nhello\r\n"));
    }

    [Test]
    public void Hpub_MatchesTheVerifiedExample()
    {
        var headers = new NatsHeaders { { "X-A", "1" } };
        Assert.That(Write(w => NatsProtocolWriter.WritePublish(w, "foo", null, headers, headers.GetEncodedLength(), "hello"u8)), Is.EqualTo("HPUB foo 20 25\r\nNATS/1.0\r\nX-A: 1\r\n\r\nhello\r\n"));
    }

    [Test]
    public void Sub_WithQueueAndMax_SendsUnsubMaxInTheSameBatch()
    {
        Assert.That(Write(w => NatsProtocolWriter.WriteSubscribe(w, 7, "grp.>", "workers", 2)), Is.EqualTo("SUB grp.> workers 7\r\nUNSUB 7 2\r\n"));
    }

    [Test]
    public void Unsub_WithoutMax()
    {
        Assert.That(Write(w => NatsProtocolWriter.WriteUnsubscribe(w, 12, null)), Is.EqualTo("UNSUB 12\r\n"));
    }

    [TestCase("x", null, false, 0, 0)]
    [TestCase("grp.demo", "_INBOX.1", false, 0, 5)]
    [TestCase("foo", null, true, 20, 5)]
    [TestCase("foo", "r", true, 20, 123456)]
    [TestCase("foo", null, false, 0, 1000)]
    [TestCase("foo", null, true, 20, 980)]
    public void PublishSize_IsExactlyTheBytesWritten(string subject, string? reply, bool withHeaders, int headerLength, int payloadLength)
    {
        var headers = withHeaders ? new NatsHeaders { { "X-A", "1" } } : null;
        var written = Write(w => NatsProtocolWriter.WritePublish(w, subject, reply, headers, headerLength, new byte[payloadLength]));
        Assert.That(NatsProtocolWriter.GetPublishSize(subject, reply, withHeaders, headerLength, payloadLength), Is.EqualTo(Encoding.UTF8.GetByteCount(written)));
    }

    private static string Write(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
