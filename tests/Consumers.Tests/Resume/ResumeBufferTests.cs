using System.Text;
using Consumers.Connections;

namespace Consumers.Tests.Resume;

/// <summary>
/// The resume buffer on its own: frames numbered in order, forgotten by acknowledgements, given again after any point,
/// its byte count exact, across the wrap-around and growth of its ring and the chunks it rents and gives back; shared
/// frames kept as they are, others copied.
/// </summary>
public sealed class ResumeBufferTests
{
    [Test]
    public void FramesAcknowledgedInSteps_WhileMoreArrive_AreGivenAgainExactlyAfterAnyPoint()
    {
        var overflows = 0;
        var buffer = new ResumeBuffer(1 << 20, () => overflows++);
        var acknowledged = 0L;
        var random = new Random(7);
        for (var seq = 1; seq <= 3000; seq++)
        {
            Append(buffer, seq);

            // Acknowledge a little behind now and then, so the ring wraps, grows (more than 16 kept) and empties.
            if (random.Next(10) == 0)
            {
                acknowledged = random.Next(3) == 0 ? seq : Math.Max(acknowledged, seq - random.Next(40));
                Assert.That(buffer.Acknowledge(acknowledged), Is.True);
            }

            if (seq % 97 == 0)
            {
                AssertHolds(buffer, acknowledged, seq);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(overflows, Is.Zero);
            Assert.That(buffer.Last, Is.EqualTo(3000));
        });
        Assert.That(buffer.Acknowledge(3000), Is.True);
        Assert.That(buffer.Bytes, Is.Zero, "nothing is kept once everything is acknowledged");
        Assert.That(buffer.After(3000), Is.Empty);
    }

    [Test]
    public void AcknowledgementsPastTheLastFrame_OrNegative_AreRefused_AndChangeNothing()
    {
        var buffer = new ResumeBuffer(1 << 16, () => { });
        for (var seq = 1; seq <= 5; seq++)
        {
            Append(buffer, seq);
        }

        Assert.Multiple(() =>
        {
            Assert.That(buffer.Acknowledge(6), Is.False);
            Assert.That(buffer.Acknowledge(-1), Is.False);
            Assert.That(buffer.After(0)!.Length, Is.EqualTo(5));
            Assert.That(buffer.Acknowledge(2), Is.True);
            Assert.That(buffer.Acknowledge(1), Is.True, "an older acknowledgement is no error");
            Assert.That(buffer.After(1), Is.Null, "frame 2 is forgotten");
            Assert.That(buffer.After(2)!.Select(f => Encoding.UTF8.GetString(f)), Is.EqualTo(new[] { Text(3), Text(4), Text(5) }));
        });
    }

    private static void AssertHolds(ResumeBuffer buffer, long acknowledged, long last)
    {
        var frames = buffer.After(acknowledged);
        Assert.That(frames, Is.Not.Null);
        var expected = Enumerable.Range((int)acknowledged + 1, (int)(last - acknowledged)).Select(Text).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(frames!.Select(f => Encoding.UTF8.GetString(f)), Is.EqualTo(expected));
            Assert.That(buffer.Bytes, Is.EqualTo(expected.Sum(t => t.Length + ResumeBuffer.FrameOverhead)));
        });
    }

    // Every third frame shared (kept as it is), the others in a rented buffer that is given back and written over
    // once appended (as after a write): the buffer must have copied them.
    private static void Append(ResumeBuffer buffer, int seq)
    {
        var bytes = Frame(seq);
        if (seq % 3 == 0)
        {
            buffer.Append(OutboundFrame.Shared(bytes));
            return;
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        var frame = OutboundFrame.Rented(rented, bytes.Length);
        buffer.Append(frame);
        rented.AsSpan().Fill((byte)'#');
        frame.Release();
    }

    // Frames of different lengths (10 to about 3,000 bytes), so chunks fill at different points.
    private static string Text(int seq) => $"{{\"n\":{seq},\"pad\":\"{new string('x', seq * 37 % 3000)}\"}}";

    private static byte[] Frame(int seq) => Encoding.UTF8.GetBytes(Text(seq));
}
