using System.Runtime.CompilerServices;
using Consumers.Connections;

namespace Consumers.Benchmarks;

/// <summary>
/// For benchmarks that drive a connection without a socket: takes the frames its writer queued (a connection that has
/// not started writes nothing directly) as the writer loop would, minus the transport write.
/// </summary>
internal static class QueuedFrames
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_queue")]
    private static extern ref SendQueue? Queue(ConnectionWriter writer);

    /// <summary>Takes the next frame queued on <paramref name="connection"/>; false when none is.</summary>
    public static bool TryTake(ConsumerConnection connection, out OutboundFrame frame)
    {
        frame = default;
        if (Queue(connection.Writer) is not { } queue || !queue.TryTake(out frame))
        {
            return false;
        }

        connection.Writer.Written(queue.Written());
        return true;
    }
}
