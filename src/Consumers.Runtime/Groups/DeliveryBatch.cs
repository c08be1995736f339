namespace Consumers.Groups;

/// <summary>
/// Runs a series of group sends whose writes to each local client leave together: while the callback runs, the frames
/// that local members' deliveries produce (envelopes of at most 4 KiB, up to 32 KiB per client) are held per client,
/// and each client's are written in one transport write when it returns, instead of one write per message. The runtime
/// does this by itself for the messages a connection handles in a row; a group layer uses it for the messages it has
/// received at once (the NATS layer: a subscription's buffered messages), and an app may use it for a burst of sends
/// through <see cref="IGroupSender"/> from one thread.
/// </summary>
/// <remarks>
/// The callback is synchronous on purpose: held frames must not wait for an <c>await</c>. Batches nest (an inner one
/// leaves the writing to the outermost). Order is kept: every client gets its frames in the order they were sent,
/// before anything sent to it later. Frames that do not fit are written at once, after what is held.
/// </remarks>
public static class DeliveryBatch
{
    /// <summary>Runs <paramref name="sends"/>, then writes what it held for each client.</summary>
    /// <param name="sends">The group sends (calls that complete synchronously, such as the in-memory layer's).</param>
    /// <exception cref="ArgumentNullException"><paramref name="sends"/> is null.</exception>
    public static void Run(Action sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        Run(sends, static s => s());
    }

    /// <summary>Runs <paramref name="sends"/> with <paramref name="state"/> (no closure needed), then writes what it held for each client.</summary>
    /// <typeparam name="TState">The callback's state.</typeparam>
    /// <param name="state">Passed to <paramref name="sends"/>.</param>
    /// <param name="sends">The group sends.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sends"/> is null.</exception>
    public static void Run<TState>(TState state, Action<TState> sends)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var outermost = DeliveryTurn.TryBegin();
        try
        {
            sends(state);
        }
        finally
        {
            if (outermost)
            {
                DeliveryTurn.End();
            }
        }
    }
}
