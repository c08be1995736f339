using System.Net.Sockets;
using System.Net.WebSockets;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>
/// Loopback TCP with small kernel buffers on both ends, so that a client that reads slowly holds frames back in the
/// server's send queue within a few kilobytes, as a phone on a slow network does, instead of in megabytes of loopback
/// socket buffers.
/// </summary>
internal static class NarrowSockets
{
    public const int BufferBytes = 4096;

    /// <summary>Kestrel's accepted sockets inherit a small send buffer from the listening socket.</summary>
    public static void UseNarrowSockets(this IServiceCollection services)
        => services.Configure<SocketTransportOptions>(o => o.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SendBufferSize = BufferBytes;
            return socket;
        });

    /// <summary>A WebSocket client whose socket has a small receive buffer.</summary>
    public static async Task<TestClient> ConnectAsync(Uri uri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = BufferBytes };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestClient.DefaultTimeout);
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        return TestClient.Wrap(client);
    }
}
