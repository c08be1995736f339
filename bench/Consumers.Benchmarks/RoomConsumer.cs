namespace Consumers.Benchmarks;

/// <summary>A room member: joins <c>room:{room}</c> on connect and only listens; the benchmark sends through <see cref="IGroupSender"/>.</summary>
[ConsumerGroups("room:{room}")]
[JsonContext(typeof(BenchJson))]
public sealed partial class RoomConsumer : Consumer
{
    /// <summary>Lets a client check that the endpoint is alive; the measured path never calls it.</summary>
    [Action]
    public string Ping() => "pong";
}
