using System.Buffers;
using System.Text;
using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

[TestFixture]
public class NatsProtocolParserTests
{
    private const string Info = "INFO {\"server_id\":\"S1\",\"version\":\"2.9.10\",\"proto\":1,\"headers\":true,\"max_payload\":1048576}\r\n";

    // Byte streams as captured from nats-server 2.9.10 (see shared/NATS.md), with the ops they must yield.
    private static readonly (string Name, string Wire, ParsedOp[] Expected)[] Captures =
    {
        ("info", Info, new[] { new ParsedOp(NatsServerOpKind.Info, Text: Info[5..^2]) }),
        ("msg", "MSG grp.demo 1 5\r\nhello\r\n", new[] { new ParsedOp(NatsServerOpKind.Msg, "grp.demo", 1, Payload: "hello") }),
        ("msg with reply", "MSG grp.demo 12 _INBOX.abc 5\r\nhello\r\n", new[] { new ParsedOp(NatsServerOpKind.Msg, "grp.demo", 12, "_INBOX.abc", Payload: "hello") }),
        ("empty msg", "MSG x 3 0\r\n\r\n", new[] { new ParsedOp(NatsServerOpKind.Msg, "x", 3) }),
        ("msg payload containing CRLF", "MSG x 3 4\r\n\r\n\r\n\r\n", new[] { new ParsedOp(NatsServerOpKind.Msg, "x", 3, Payload: "\r\n\r\n") }),
        ("hmsg", "HMSG foo 7 20 25\r\nNATS/1.0\r\nX-A: 1\r\n\r\nhello\r\n", new[] { new ParsedOp(NatsServerOpKind.HMsg, "foo", 7, Headers: "NATS/1.0\r\nX-A: 1\r\n\r\n", Payload: "hello") }),
        ("hmsg with reply", "HMSG foo 7 bar.reply 20 25\r\nNATS/1.0\r\nX-A: 1\r\n\r\nhello\r\n", new[] { new ParsedOp(NatsServerOpKind.HMsg, "foo", 7, "bar.reply", "NATS/1.0\r\nX-A: 1\r\n\r\n", "hello") }),
        ("hmsg status 503", "HMSG _INBOX.x 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", new[] { new ParsedOp(NatsServerOpKind.HMsg, "_INBOX.x", 2, Headers: "NATS/1.0 503\r\n\r\n") }),
        ("ping", "PING\r\n", new[] { new ParsedOp(NatsServerOpKind.Ping) }),
        ("pong", "PONG\r\n", new[] { new ParsedOp(NatsServerOpKind.Pong) }),
        ("ok", "+OK\r\n", new[] { new ParsedOp(NatsServerOpKind.Ok) }),
        ("err", "-ERR 'Authorization Violation'\r\n", new[] { new ParsedOp(NatsServerOpKind.Err, Text: "'Authorization Violation'") }),
        ("pipelined", Info + "PONG\r\nMSG a.b 1 2\r\nhi\r\nPING\r\nHMSG a.c 2 r 12 14\r\nNATS/1.0\r\n\r\nyo\r\n+OK\r\n-ERR 'Stale Connection'\r\n", new[]
        {
            new ParsedOp(NatsServerOpKind.Info, Text: Info[5..^2]),
            new ParsedOp(NatsServerOpKind.Pong),
            new ParsedOp(NatsServerOpKind.Msg, "a.b", 1, Payload: "hi"),
            new ParsedOp(NatsServerOpKind.Ping),
            new ParsedOp(NatsServerOpKind.HMsg, "a.c", 2, "r", "NATS/1.0\r\n\r\n", "yo"),
            new ParsedOp(NatsServerOpKind.Ok),
            new ParsedOp(NatsServerOpKind.Err, Text: "'Stale Connection'"),
        }),
    };

    private static IEnumerable<string> CaptureCases() => Captures.Select(c => c.Name);

    [TestCaseSource(nameof(CaptureCases))]
    public void CapturedStream_InOneSegment_YieldsExpectedOps(string capture)
    {
        var (wire, expected) = Capture(capture);
        Assert.That(ParseAll(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire))), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(CaptureCases))]
    public void CapturedStream_SplitIntoTwoSegmentsAtEveryByte_YieldsExpectedOps(string capture)
    {
        var (wire, expected) = Capture(capture);
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.That(ParseAll(TestSequences.SplitAt(bytes, split)), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [TestCaseSource(nameof(CaptureCases))]
    public void CapturedStream_OneBytePerSegment_YieldsExpectedOps(string capture)
    {
        var (wire, expected) = Capture(capture);
        Assert.That(ParseAll(TestSequences.OneBytePerSegment(Encoding.UTF8.GetBytes(wire))), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(CaptureCases))]
    public void CapturedStream_ArrivingInTwoReadsAtEveryByte_NeverConsumesAPartialOp(string capture)
    {
        var (wire, expected) = Capture(capture);
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var split = 0; split <= bytes.Length; split++)
        {
            // First read: only a prefix is available. Whatever is not consumed is re-presented with the rest.
            var parser = new NatsProtocolParser();
            var ops = new List<ParsedOp>();
            var first = new ReadOnlySequence<byte>(bytes[..split]);
            while (parser.TryParse(ref first, out var op))
            {
                ops.Add(ParsedOp.From(op));
            }

            var consumed = split - (int)first.Length;
            Assert.That(ops, Is.EqualTo(expected.Take(ops.Count)), $"prefix of {split} bytes");
            var rest = TestSequences.Create(bytes[consumed..split], bytes[split..]);
            while (parser.TryParse(ref rest, out var op))
            {
                ops.Add(ParsedOp.From(op));
            }

            Assert.Multiple(() =>
            {
                Assert.That(ops, Is.EqualTo(expected), $"split at byte {split}");
                Assert.That(rest.Length, Is.Zero);
            });
        }
    }

    [TestCase("msg a 1 2\r\nhi\r\n")]
    [TestCase("Msg a 1 2\r\nhi\r\n")]
    [TestCase("MSG\ta\t1\t2\r\nhi\r\n")]
    [TestCase("MSG  a \t 1   2  \r\nhi\r\n")]
    public void OpNamesAreCaseInsensitive_AndFieldsSplitOnRunsOfSpacesOrTabs(string wire)
    {
        Assert.That(ParseAll(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire))), Is.EqualTo(new[] { new ParsedOp(NatsServerOpKind.Msg, "a", 1, Payload: "hi") }));
    }

    [TestCase("ping\r\npong\r\n+ok\r\n")]
    [TestCase("Ping\r\nPoNg\r\n+Ok\r\n")]
    public void ControlOps_AreCaseInsensitive(string wire)
    {
        Assert.That(ParseAll(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire))).Select(o => o.Kind), Is.EqualTo(new[] { NatsServerOpKind.Ping, NatsServerOpKind.Pong, NatsServerOpKind.Ok }));
    }

    [TestCase("MSG a 1 -5\r\nhello\r\n", TestName = "Negative size")]
    [TestCase("MSG a 1 +5\r\nhello\r\n", TestName = "Signed size")]
    [TestCase("MSG a 1 five\r\nhello\r\n", TestName = "Non-numeric size")]
    [TestCase("MSG a 1 3\r\nhello\r\n", TestName = "Size shorter than the payload")]
    [TestCase("MSG a 1 6\r\nhello\r\nPING\r\n", TestName = "Size longer than the payload")]
    [TestCase("MSG a 1 99999999999\r\n", TestName = "Size over the 64 MiB limit")]
    [TestCase("MSG a x 5\r\nhello\r\n", TestName = "Non-numeric sid")]
    [TestCase("MSG a 5\r\nhello\r\n", TestName = "MSG with 2 arguments")]
    [TestCase("MSG a 1 r x 5\r\nhello\r\n", TestName = "MSG with 5 arguments")]
    [TestCase("HMSG a 1 5\r\nhello\r\n", TestName = "HMSG with 3 arguments")]
    [TestCase("HMSG a 1 r x 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", TestName = "HMSG with 6 arguments")]
    [TestCase("HMSG a 1 20 10\r\n0123456789\r\n", TestName = "HMSG header size over total")]
    [TestCase("HELLO\r\n", TestName = "Unknown op")]
    [TestCase("\r\n", TestName = "Empty line")]
    [TestCase("PING extra\r\n", TestName = "PING with arguments")]
    [TestCase("INFO\r\n", TestName = "INFO without JSON")]
    public void ProtocolViolation_Throws(string wire)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire));
        Assert.Throws<NatsProtocolException>(() => new NatsProtocolParser().TryParse(ref buffer, out _));
    }

    [Test]
    public void BadSize_IsRejectedBeforeThePayloadArrives()
    {
        // Otherwise a corrupt size would make the client buffer up to that many bytes first.
        var buffer = new ReadOnlySequence<byte>("MSG a 1 -1\r\n"u8.ToArray());
        Assert.Throws<NatsProtocolException>(() => new NatsProtocolParser().TryParse(ref buffer, out _));
    }

    [Test]
    public void ControlLineWithoutLineBreak_OverTheLimit_Throws()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("INFO " + new string('x', NatsProtocolParser.MaxControlLine + 1)));
        Assert.Throws<NatsProtocolException>(() => new NatsProtocolParser().TryParse(ref buffer, out _));
    }

    [Test]
    public void IncompleteOp_ReturnsFalse_AndLeavesTheBufferUntouched()
    {
        var bytes = "MSG a 1 5\r\nhel"u8.ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        var parsed = new NatsProtocolParser().TryParse(ref buffer, out _);
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False);
            Assert.That(buffer.Length, Is.EqualTo(bytes.Length));
        });
    }

    [Test]
    public void ErrorMessage_IsUnquoted()
    {
        var buffer = new ReadOnlySequence<byte>("-ERR 'Maximum Payload Violation'\r\n"u8.ToArray());
        new NatsProtocolParser().TryParse(ref buffer, out var op);
        Assert.That(op.GetErrorMessage(), Is.EqualTo("Maximum Payload Violation"));
    }

    [TestCase("Authorization Violation", true)]
    [TestCase("Stale Connection", true)]
    [TestCase("Maximum Payload Violation", true)]
    [TestCase("Slow Consumer", true)]
    [TestCase("Unknown Protocol Operation", true)]
    [TestCase("Invalid Subject", false)]
    [TestCase("Invalid Publish Subject", false)]
    [TestCase("Permissions Violation for Publish to \"x\"", false)]
    public void ServerErrors_AreClassifiedAsClosingOrNot(string error, bool closes)
    {
        Assert.That(NatsConnection.IsClosingError(error), Is.EqualTo(closes));
    }

    private static (string Wire, ParsedOp[] Expected) Capture(string name)
    {
        var capture = Captures.Single(c => c.Name == name);
        return (capture.Wire, capture.Expected);
    }

    private static List<ParsedOp> ParseAll(ReadOnlySequence<byte> buffer)
    {
        var parser = new NatsProtocolParser();
        var ops = new List<ParsedOp>();
        while (parser.TryParse(ref buffer, out var op))
        {
            ops.Add(ParsedOp.From(op));
        }

        Assert.That(buffer.Length, Is.Zero, "every byte of a complete stream is consumed");
        return ops;
    }
}
