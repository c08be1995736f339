namespace Consumers.Groups;

/// <summary>
/// The delivery turn of one thread: while it is open, what local members' deliveries write to their clients may be
/// held (by the member's connection, which registers with <see cref="Hold"/>) and leaves when the turn ends, one
/// transport write per client for all of it. The runtime opens one around each run of messages a connection handles
/// without waiting; <see cref="DeliveryBatch"/> opens one for a group layer or an app.
/// </summary>
/// <remarks>Thread-static: a turn belongs to the thread running it; writes from other threads are not held by it.</remarks>
internal static class DeliveryTurn
{
    [ThreadStatic]
    private static bool t_open;

    [ThreadStatic]
    private static List<IHeldWrites>? t_held;

    /// <summary>Whether this thread is in a turn (writes made now may be held).</summary>
    public static bool IsOpen => t_open;

    /// <summary>Starts a turn on this thread.</summary>
    public static void Begin() => t_open = true;

    /// <summary>Starts a turn unless one is open already; true when this call started it (and must end it).</summary>
    public static bool TryBegin()
    {
        if (t_open)
        {
            return false;
        }

        t_open = true;
        return true;
    }

    /// <summary>Records writes this turn must make when it ends.</summary>
    public static void Hold(IHeldWrites writes) => (t_held ??= []).Add(writes);

    /// <summary>Ends this thread's turn: everything held in it is written.</summary>
    public static void End()
    {
        t_open = false;
        if (t_held is not { Count: > 0 } held)
        {
            return;
        }

        try
        {
            for (var i = 0; i < held.Count; i++)
            {
                held[i].WriteHeld();
            }
        }
        finally
        {
            held.Clear();
        }
    }
}
