using System.Globalization;
using System.Net.WebSockets;
using Consumers.Clients;
using Consumers.Testing.Authentication;
using Consumers.Testing.Communication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Hosting;

/// <summary>
/// Opens in-process connections to an app's consumer endpoints through ASP.NET Core's <see cref="TestServer"/>
/// (its <see cref="WebSocketClient"/>: no port, no Kestrel): a <see cref="ConsumerCommunicator"/>, or a generated
/// .NET client (<c>RoomConsumerClient</c>) over the same kind of socket. The handshake runs the app's whole pipeline:
/// authentication, origin check, consumer permissions and <c>OnConnectAsync</c>.
/// </summary>
public static class ConsumerConnections
{
    extension<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        /// <summary>Connects a communicator to <paramref name="path"/> of the factory's app (starting it if needed).</summary>
        /// <param name="path">The endpoint's path and query, e.g. <c>/ws/rooms?room=7</c>.</param>
        /// <param name="configure">The user, origin, headers, batching, timeouts.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The open connection.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake (401, 403, 400, ...).</exception>
        /// <exception cref="TimeoutException">The handshake took longer than <see cref="ConsumerConnectOptions.ConnectTimeout"/>.</exception>
        /// <exception cref="InvalidOperationException"><see cref="ConsumerConnectOptions.User"/> is set but the app has no test authentication.</exception>
        public Task<ConsumerCommunicator> ConnectAsync(string path, Action<ConsumerConnectOptions>? configure = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(factory);
            return factory.Server.ConnectAsync(path, configure, cancellationToken);
        }

        /// <summary>
        /// Connects a generated .NET client (<c>RoomConsumerClient</c>) to <paramref name="path"/> of the factory's app,
        /// over the test server's in-process socket; its calls wait <see cref="ConsumerConnectOptions.ReceiveTimeout"/> (5 s) for replies.
        /// C# does not infer the entry point once the client type is given, so write both
        /// (<c>factory.ConnectClientAsync&lt;Program, RoomConsumerClient&gt;(path)</c>) or use the server's overload
        /// (<c>factory.Server.ConnectClientAsync&lt;RoomConsumerClient&gt;(path)</c>).
        /// </summary>
        /// <typeparam name="TClient">The generated client.</typeparam>
        /// <param name="path">The endpoint's path and query.</param>
        /// <param name="configure">The user, origin, headers, timeouts.</param>
        /// <param name="stream">The stream name on a multiplexed endpoint; null on a plain one.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The connected client.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake.</exception>
        public Task<TClient> ConnectClientAsync<TClient>(string path, Action<ConsumerConnectOptions>? configure = null, string? stream = null, CancellationToken cancellationToken = default)
            where TClient : ConsumerClient, IConsumerClient<TClient>
        {
            ArgumentNullException.ThrowIfNull(factory);
            return factory.Server.ConnectClientAsync<TClient>(path, configure, stream, cancellationToken);
        }
    }

    extension(IHost host)
    {
        /// <summary>Connects a communicator to <paramref name="path"/> of a host built with <c>UseTestServer()</c>.</summary>
        /// <param name="path">The endpoint's path and query.</param>
        /// <param name="configure">The user, origin, headers, batching, timeouts.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The open connection.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake.</exception>
        /// <exception cref="InvalidOperationException">The host's server is not a <see cref="TestServer"/>, or a user is set without test authentication.</exception>
        public Task<ConsumerCommunicator> ConnectAsync(string path, Action<ConsumerConnectOptions>? configure = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(host);
            return host.GetTestServer().ConnectAsync(path, configure, cancellationToken);
        }

        /// <summary>Connects a generated .NET client to <paramref name="path"/> of a host built with <c>UseTestServer()</c>.</summary>
        /// <typeparam name="TClient">The generated client.</typeparam>
        /// <param name="path">The endpoint's path and query.</param>
        /// <param name="configure">The user, origin, headers, timeouts.</param>
        /// <param name="stream">The stream name on a multiplexed endpoint; null on a plain one.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The connected client.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake.</exception>
        public Task<TClient> ConnectClientAsync<TClient>(string path, Action<ConsumerConnectOptions>? configure = null, string? stream = null, CancellationToken cancellationToken = default)
            where TClient : ConsumerClient, IConsumerClient<TClient>
        {
            ArgumentNullException.ThrowIfNull(host);
            return host.GetTestServer().ConnectClientAsync<TClient>(path, configure, stream, cancellationToken);
        }
    }

    extension(TestServer server)
    {
        /// <summary>Connects a communicator to <paramref name="path"/> of the test server's app.</summary>
        /// <param name="path">The endpoint's path and query.</param>
        /// <param name="configure">The user, origin, headers, batching, timeouts.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The open connection.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake.</exception>
        /// <exception cref="InvalidOperationException">A user is set without test authentication.</exception>
        public async Task<ConsumerCommunicator> ConnectAsync(string path, Action<ConsumerConnectOptions>? configure = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(server);
            ArgumentNullException.ThrowIfNull(path);
            var options = new ConsumerConnectOptions();
            configure?.Invoke(options);
            var socket = await OpenAsync(server, SocketUri(path), options, cancellationToken).ConfigureAwait(false);
            var communicator = new ConsumerCommunicator(socket, path, options.ReceiveTimeout);
            return await communicator.StartResumeAsync(
                options.Resume ? (query, token) => OpenAsync(server, SocketUri(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query), options, token) : null,
                cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Connects a generated .NET client to <paramref name="path"/> of the test server's app.</summary>
        /// <typeparam name="TClient">The generated client.</typeparam>
        /// <param name="path">The endpoint's path and query.</param>
        /// <param name="configure">The user, origin, headers, timeouts.</param>
        /// <param name="stream">The stream name on a multiplexed endpoint; null on a plain one.</param>
        /// <param name="cancellationToken">Cancels the handshake.</param>
        /// <returns>The connected client.</returns>
        /// <exception cref="ConsumerHandshakeException">The app refused the handshake.</exception>
        public Task<TClient> ConnectClientAsync<TClient>(string path, Action<ConsumerConnectOptions>? configure = null, string? stream = null, CancellationToken cancellationToken = default)
            where TClient : ConsumerClient, IConsumerClient<TClient>
        {
            ArgumentNullException.ThrowIfNull(server);
            ArgumentNullException.ThrowIfNull(path);
            var options = new ConsumerConnectOptions();
            configure?.Invoke(options);
            var clientOptions = new ConsumerClientOptions
            {
                Stream = stream,
                ReplyTimeout = options.ReceiveTimeout,
                ConnectSocket = (uri, token) => OpenAsync(server, uri, options, token),
            };
            return TClient.ConnectAsync(SocketUri(path), clientOptions, cancellationToken);
        }
    }

    private static Uri SocketUri(string path)
        => new(new Uri("ws://localhost/"), path);

    private static async Task<WebSocket> OpenAsync(TestServer server, Uri uri, ConsumerConnectOptions options, CancellationToken cancellationToken)
    {
        var principals = options.User is null ? null : ConsumersTestAuthentication.Principals(server.Services)
            ?? throw new InvalidOperationException(
                "ConsumerConnectOptions.User needs the kit's test authentication in the app: use factory.WithTestAuthentication(), " +
                "or call services.AddConsumersTestAuthentication() in ConfigureTestServices.");
        var userId = options.User is null ? null : principals!.Add(options.User);
        var status = 0;
        var client = server.CreateWebSocketClient();
        foreach (var protocol in options.OfferedSubProtocols())
        {
            client.SubProtocols.Add(protocol);
        }

        client.ConfigureRequest = request =>
        {
            if (options.Origin is not null)
            {
                request.Headers.Origin = options.Origin;
            }

            foreach (var (name, value) in options.Headers)
            {
                request.Headers[name] = value;
            }

            if (userId is not null)
            {
                request.Headers[ConsumersTestAuthentication.UserHeader] = userId;
            }

            var response = request.HttpContext.Response;
            response.OnStarting(() =>
            {
                status = response.StatusCode;
                return Task.CompletedTask;
            });
            options.ConfigureRequest?.Invoke(request);
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            return await client.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(ConsumerConnectOptions.HandshakeTimedOut(uri.PathAndQuery, options.ConnectTimeout), e);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Incomplete handshake", StringComparison.Ordinal))
        {
            var code = status != 0 ? status : int.TryParse(e.Message.AsSpan(e.Message.LastIndexOf(' ') + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            throw new ConsumerHandshakeException(uri.PathAndQuery, code, e);
        }
        finally
        {
            if (userId is not null)
            {
                principals!.Remove(userId);
            }
        }
    }
}
