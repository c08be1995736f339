using System.Net.Sockets;
using System.Net.WebSockets;
using Consumers.Clients;

namespace Consumers.Tests.Resume;

/// <summary>
/// The sockets of a generated .NET client, whose TCP connections a test can reset (no close frame, no FIN); a route may
/// send a socket elsewhere (another node, as a load balancer without sticky routing may).
/// </summary>
internal sealed class Droppable
{
    private readonly List<Socket> _sockets = [];

    public int Count
    {
        get
        {
            lock (_sockets)
            {
                return _sockets.Count;
            }
        }
    }

    public void Drop()
    {
        Socket last;
        lock (_sockets)
        {
            last = _sockets[^1];
        }

        last.LingerState = new LingerOption(true, 0);
        last.Close();
    }

    /// <summary>Where each new socket goes (the client's URL by default).</summary>
    public Func<Uri, Uri>? Route { get; set; }

    public ConsumerClientOptions Options(bool resume, List<ConsumerClientState>? states, int maxBuffered = 100, TimeSpan? retry = null) => new()
    {
        Resume = resume,
        RetryDelay = retry ?? TimeSpan.FromMilliseconds(50),
        MaxBufferedCalls = maxBuffered,
        ReplyTimeout = TimeSpan.FromSeconds(10),
        OnStateChanged = state =>
        {
            if (states is not null)
            {
                lock (states)
                {
                    states.Add(state);
                }
            }
        },
        ConnectSocket = async (uri, cancellationToken) =>
        {
            uri = Route?.Invoke(uri) ?? uri;
            var socket = new ClientWebSocket();
            if (resume)
            {
                socket.Options.AddSubProtocol("consumers.resume");
            }

            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await tcp.ConnectAsync(context.DnsEndPoint, token);
                    lock (_sockets)
                    {
                        _sockets.Add(tcp);
                    }

                    return new NetworkStream(tcp, ownsSocket: true);
                },
            };
            await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), cancellationToken);
            return socket;
        },
    };
}
