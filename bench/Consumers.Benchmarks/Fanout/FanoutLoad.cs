namespace Consumers.Benchmarks.Fanout;

/// <summary>
/// One load of the fan-out benchmark: saturated (each sender keeps at most <see cref="Window"/> of its messages in
/// flight, counted by their echoes to itself) or paced (<see cref="RatePerSender"/> messages per second per sender),
/// with a body of <see cref="PayloadBytes"/> bytes.
/// </summary>
internal sealed record FanoutLoad(string Name, bool Paced, int Window, int RatePerSender, int PayloadBytes)
{
    public static FanoutLoad Saturated(int window, int payloadBytes) =>
        new($"saturated, window {window} per sender, {payloadBytes} B", false, window, 0, payloadBytes);

    public static FanoutLoad PacedAt(int ratePerSender, int payloadBytes) =>
        new($"paced {ratePerSender} msg/s per sender, {payloadBytes} B", true, 0, ratePerSender, payloadBytes);
}
