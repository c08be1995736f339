namespace Consumers.Connections;

/// <summary>
/// Write combining for one dispatch turn: while a connection's dispatcher handles the messages it has read (up to
/// <see cref="MaxMessagesPerTurn"/> in a row, without waiting), the frames its actions send to any connection's socket
/// are held in that connection's <see cref="PendingFrames"/>, and leave when the turn ends, one transport write per
/// connection for all of them. A saturated room thus costs one socket write per member per turn instead of one per
/// message (what SignalR gets from its transport's pipe), while a lone message still leaves before its dispatcher
/// waits for the next one, on the same thread: no thread-pool hop is added. A turn ends before any <c>await</c> that
/// does not complete at once, so nothing is held while an action waits.
/// </summary>
/// <remarks>Thread-static: a turn belongs to the thread running it; sends from other threads write as before.</remarks>
internal static class WriteCombining
{
    /// <summary>Messages handled in one turn at most, bounding how long a frame can be held.</summary>
    public const int MaxMessagesPerTurn = 16;

    [ThreadStatic]
    private static bool t_deferring;

    [ThreadStatic]
    private static List<ConsumerConnection>? t_held;

    /// <summary>Whether this thread is in a turn (frames sent now may be held).</summary>
    public static bool IsDeferring => t_deferring;

    /// <summary>Starts a turn on this thread.</summary>
    public static void Begin() => t_deferring = true;

    /// <summary>Records a connection whose pending frames this turn must write when it ends.</summary>
    public static void Hold(ConsumerConnection connection) => (t_held ??= []).Add(connection);

    /// <summary>Ends this thread's turn: every connection that holds frames from it writes them.</summary>
    public static void End()
    {
        t_deferring = false;
        if (t_held is not { Count: > 0 } held)
        {
            return;
        }

        try
        {
            for (var i = 0; i < held.Count; i++)
            {
                held[i].WritePending();
            }
        }
        finally
        {
            held.Clear();
        }
    }
}
