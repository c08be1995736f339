namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One load of the fan-out benchmark: saturated (each sender keeps at most <see cref="Window"/> of its messages in
/// flight, counted by their echoes to itself) or paced (<see cref="RatePerSender"/> messages per second per sender),
/// with a body of <see cref="PayloadBytes"/> bytes. Paced senders send on the same beat (all due at once, every
/// 1/rate seconds) unless <see cref="Spread"/>, when sender i of n is due i/n of a period later: the same rate, with
/// the messages spread evenly over time, as independent users would send them.
/// </summary>
internal sealed record FanoutLoad(string Name, bool Paced, int Window, int RatePerSender, int PayloadBytes, bool Spread = false)
{
    public static FanoutLoad Saturated(int window, int payloadBytes) =>
        new($"saturated, window {window} per sender, {payloadBytes} B", false, window, 0, payloadBytes);

    public static FanoutLoad PacedAt(int ratePerSender, int payloadBytes) =>
        new($"paced {ratePerSender} msg/s per sender, {payloadBytes} B", true, 0, ratePerSender, payloadBytes);

    /// <summary>The same load with paced senders spread over the period (a saturated load is returned as it is).</summary>
    public FanoutLoad SpreadOut() => Paced ? this with { Name = Name + ", senders spread over the period", Spread = true } : this;
}
