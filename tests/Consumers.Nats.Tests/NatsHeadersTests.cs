using System.Text;
using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsHeadersTests
{
    [Test]
    public void Write_ProducesTheBlockFromTheProtocolExample()
    {
        var headers = new NatsHeaders { { "X-A", "1" } };
        var bytes = new byte[headers.GetEncodedLength()];
        var written = headers.WriteTo(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(20));
            Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo("NATS/1.0\r\nX-A: 1\r\n\r\n"));
        });
    }

    [Test]
    public void EmptyHeaders_AreTheTwelveByteMinimum()
    {
        Assert.That(new NatsHeaders().GetEncodedLength(), Is.EqualTo(12));
    }

    [Test]
    public void Parse_KeepsOrderCaseAndRepeatedNames_LookupIsCaseInsensitive()
    {
        var headers = NatsHeaders.Parse("NATS/1.0\r\nX-Trace: a\r\nx-trace: b\r\nGroup:  chat  \r\n\r\n"u8);
        Assert.Multiple(() =>
        {
            Assert.That(headers.Select(h => h.Key), Is.EqualTo(new[] { "X-Trace", "x-trace", "Group" }));
            Assert.That(headers.GetValues("X-TRACE"), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(headers["group"], Is.EqualTo("chat"));
            Assert.That(headers.StatusCode, Is.Zero);
        });
    }

    [Test]
    public void Parse_ReadsTheStatusLine()
    {
        var headers = NatsHeaders.Parse("NATS/1.0 503\r\n\r\n"u8);
        Assert.Multiple(() =>
        {
            Assert.That(headers.StatusCode, Is.EqualTo(503));
            Assert.That(headers.StatusDescription, Is.Empty);
            Assert.That(headers.Count, Is.Zero);
        });
    }

    [Test]
    public void Parse_ReadsStatusDescription()
    {
        var headers = NatsHeaders.Parse("NATS/1.0 408 Request Timeout\r\n\r\n"u8);
        Assert.That((headers.StatusCode, headers.StatusDescription), Is.EqualTo((408, "Request Timeout")));
    }

    [Test]
    public void WriteThenParse_RoundTrips()
    {
        var headers = new NatsHeaders { StatusCode = 503, StatusDescription = "No Responders" };
        headers.Add("A", "1");
        headers.Add("A", "2 with spaces");
        headers.Add("Unicode", "héllo");
        var bytes = new byte[headers.GetEncodedLength()];
        headers.WriteTo(bytes);
        var parsed = NatsHeaders.Parse(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.StatusCode, Is.EqualTo(503));
            Assert.That(parsed.StatusDescription, Is.EqualTo("No Responders"));
            Assert.That(parsed.ToList(), Is.EqualTo(headers.ToList()));
        });
    }

    [Test]
    public void Parse_RejectsABlockWithoutTheVersionLine()
    {
        Assert.Throws<NatsProtocolException>(() => NatsHeaders.Parse("HTTP/1.1\r\n\r\n"u8));
    }

    [TestCase("")]
    [TestCase("Has Space")]
    [TestCase("Colon:")]
    [TestCase("Line\n")]
    public void Add_RejectsInvalidNames(string name)
    {
        Assert.Throws<ArgumentException>(() => new NatsHeaders().Add(name, "v"));
    }

    [Test]
    public void Add_RejectsLineBreaksInValues()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NatsHeaders().Add("A", "x\r\nInjected: 1"));
        Assert.That(ex!.Message, Does.Contain("CR or LF"));
    }
}
