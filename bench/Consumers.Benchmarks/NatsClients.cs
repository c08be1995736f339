namespace Consumers.Benchmarks;

/// <summary>Payloads of the client benchmarks.</summary>
internal static class NatsClients
{
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
