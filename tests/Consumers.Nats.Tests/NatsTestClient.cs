using System.Diagnostics;
using System.Text;
using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

/// <summary>Helpers shared by the tests against a real server; every wait is bounded.</summary>
internal static class NatsTestClient
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(5);

    public static NatsClientOptions Options(params string[] urls) => new()
    {
        Urls = urls.ToList(),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        // Fast reconnects keep the outage tests short.
        ReconnectWait = TimeSpan.FromMilliseconds(50),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
    };

    public static async Task<NatsConnection> ConnectAsync(string url, Action<NatsClientOptions>? configure = null)
    {
        var options = Options(url);
        configure?.Invoke(options);
        var connection = new NatsConnection(options);
        await connection.ConnectAsync().ConfigureAwait(false);
        return connection;
    }

    public static async Task<NatsMsg> ReceiveAsync(INatsSubscription subscription, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? WaitLimit);
        try
        {
            return await subscription.Messages.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"No message on '{subscription.Subject}' within {timeout ?? WaitLimit}.");
        }
    }

    /// <summary>True when nothing arrives within <paramref name="window"/>.</summary>
    public static async Task<bool> NothingArrivesAsync(INatsSubscription subscription, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await subscription.Messages.WaitToReadAsync(cts.Token).ConfigureAwait(false);
            return !subscription.Messages.TryPeek(out _);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? WaitLimit;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new AssertionException($"Timed out after {limit} waiting until {what}.");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(in NatsMsg msg) => Encoding.UTF8.GetString(msg.Payload.Span);
}
