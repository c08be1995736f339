using Consumers.Groups.Nats.Client;

namespace Consumers.Benchmarks;

/// <summary>Connections of the runtime's internal NATS client, configured the same way for every client benchmark.</summary>
internal static class NatsClients
{
    public static async Task<NatsConnection> ConnectAsync(string url, string name, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(new NatsClientOptions { Urls = [url], Name = name, NoRandomize = true });
        await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>A payload of exactly <paramref name="size"/> printable bytes.</summary>
    public static byte[] Payload(int size)
    {
        var payload = new byte[size];
        for (var i = 0; i < size; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }
}
