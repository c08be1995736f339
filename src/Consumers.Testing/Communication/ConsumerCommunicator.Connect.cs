using System.Net.WebSockets;

namespace Consumers.Testing.Communication;

// Opening a communicator over a real socket: Kestrel, or a server process the test started.
public sealed partial class ConsumerCommunicator
{
    /// <summary>
    /// Connects a communicator over a real socket (a <see cref="ClientWebSocket"/>) to an app listening on a port: a
    /// process the test started, or Kestrel. In-process hosts use the kit's <c>ConnectAsync</c> extensions instead.
    /// </summary>
    /// <param name="uri">The endpoint's address, <c>ws://host:port/path?query</c>.</param>
    /// <param name="configure">The origin, headers, batching, timeouts (<see cref="ConsumerConnectOptions.User"/> and <see cref="ConsumerConnectOptions.ConfigureRequest"/> need an in-process host).</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open connection.</returns>
    /// <exception cref="ConsumerHandshakeException">The server answered the handshake with another status than 101.</exception>
    /// <exception cref="WebSocketException">Nothing listens there, or the connection failed.</exception>
    /// <exception cref="NotSupportedException">A test user or a request callback was set.</exception>
    /// <exception cref="TimeoutException">The handshake took longer than <see cref="ConsumerConnectOptions.ConnectTimeout"/>.</exception>
    public static async Task<ConsumerCommunicator> ConnectAsync(Uri uri, Action<ConsumerConnectOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var options = new ConsumerConnectOptions();
        configure?.Invoke(options);
        if (options.User is not null || options.ConfigureRequest is not null)
        {
            throw new NotSupportedException("ConsumerConnectOptions.User and ConfigureRequest need an in-process host (the kit's ConnectAsync on a WebApplicationFactory, TestServer or IHost).");
        }

        var socket = await OpenClientAsync(uri, options, cancellationToken).ConfigureAwait(false);
        var communicator = new ConsumerCommunicator(socket, uri.PathAndQuery, options.ReceiveTimeout);
        if (options.Resume)
        {
            // ResumeAsync(Uri): the same path and query on another node.
            communicator._reopenAt = (node, query, token) =>
            {
                var secure = node.Scheme is "https" or "wss";
                var moved = new UriBuilder(uri) { Scheme = secure ? "wss" : "ws", Host = node.Host, Port = node.Port }.Uri;
                return OpenClientAsync(new Uri(moved + (moved.Query.Length > 0 ? "&" : "?") + query), options, token);
            };
        }

        return await communicator.StartResumeAsync(
            options.Resume ? (query, token) => OpenClientAsync(new Uri(uri + (uri.Query.Length > 0 ? "&" : "?") + query), options, token) : null,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<WebSocket> OpenClientAsync(Uri uri, ConsumerConnectOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (options.Origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", options.Origin);
        }

        foreach (var (name, value) in options.Headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        foreach (var protocol in options.OfferedSubProtocols())
        {
            socket.Options.AddSubProtocol(protocol);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException(ConsumerConnectOptions.HandshakeTimedOut(uri.PathAndQuery, options.ConnectTimeout), e);
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new ConsumerHandshakeException(uri.PathAndQuery, status, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }
}
