using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks;

/// <summary>
/// Splits one received WebSocket message into the protocol messages it carries: SignalR's JSON hub protocol ends each
/// message with the record separator 0x1E and may coalesce several in one frame; Consumers sends one envelope per
/// frame, or, to a client of the <c>consumers.batch</c> subprotocol, possibly a JSON array of envelopes.
/// </summary>
internal static class WireMessages
{
    private const byte RecordSeparator = 0x1E;

    /// <summary>Takes one protocol message; returns how many deliveries it carried (0 or 1 for the load tools).</summary>
    public delegate int Handler(ReadOnlySpan<byte> message);

    /// <summary>Hands each SignalR message of <paramref name="frame"/> to <paramref name="handle"/>; returns the sum of what it returned.</summary>
    public static int SignalR(ReadOnlySpan<byte> frame, Handler handle)
    {
        var deliveries = 0;
        while (!frame.IsEmpty)
        {
            var end = frame.IndexOf(RecordSeparator);
            if (end < 0)
            {
                return deliveries + handle(frame);
            }

            deliveries += handle(frame[..end]);
            frame = frame[(end + 1)..];
        }

        return deliveries;
    }

    /// <summary>
    /// Hands each Consumers envelope of <paramref name="frame"/> to <paramref name="handle"/>: the frame itself when it
    /// is a JSON object, each element when it is an array (<paramref name="array"/> then true).
    /// </summary>
    /// <exception cref="FormatException">The frame starts like an array but is not a well-formed one.</exception>
    public static int Consumers(ReadOnlySpan<byte> frame, Handler handle, out bool array)
    {
        var trimmed = frame.TrimStart(" \t\r\n"u8);
        array = !trimmed.IsEmpty && trimmed[0] == (byte)'[';
        if (!array)
        {
            return handle(frame);
        }

        var deliveries = 0;
        foreach (var range in new JsonArrayElements(trimmed))
        {
            deliveries += handle(trimmed[range]);
        }

        return deliveries;
    }
}
