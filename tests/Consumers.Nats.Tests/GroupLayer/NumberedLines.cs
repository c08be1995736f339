using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>
/// A steady flow through an outage: one client says "m0", "m1", ... to its room (not to itself) at a fixed pace while
/// another collects the lines it gets, probes left out, so that a test can check every line came once and in order.
/// </summary>
internal sealed class NumberedLines
{
    private int _sent;

    private NumberedLines(int total) => Total = total;

    public int Total { get; }

    /// <summary>Lines said so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>The lines the receiver got, in order (read once <see cref="Receiving"/> completed).</summary>
    public List<string> Received { get; } = [];

    /// <summary>Completes when all lines are said.</summary>
    public Task Saying { get; private set; } = Task.CompletedTask;

    /// <summary>Completes when <see cref="Total"/> lines arrived; fails when none came for <c>within</c>.</summary>
    public Task Receiving { get; private set; } = Task.CompletedTask;

    public static NumberedLines Start(TestClient sender, TestClient receiver, int total, TimeSpan gap, TimeSpan within)
    {
        var lines = new NumberedLines(total);
        lines.Saying = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await sender.SendAsync($$"""{"action": "say", "text": "m{{i}}", "exclude_self": true}""");
                Volatile.Write(ref lines._sent, i + 1);
                await Task.Delay(gap);
            }
        });
        lines.Receiving = Task.Run(async () =>
        {
            while (lines.Received.Count < total)
            {
                var text = (await receiver.ReceiveAsync(within))["text"]!.GetValue<string>();
                if (!text.StartsWith("probe", StringComparison.Ordinal))
                {
                    lines.Received.Add(text);
                }
            }
        });
        return lines;
    }

    /// <summary>"m0" to "m{Total - 1}": what <see cref="Received"/> must be.</summary>
    public IEnumerable<string> Expected => Enumerable.Range(0, Total).Select(i => $"m{i}");
}
