namespace Consumers.Clients;

/// <summary>
/// A generated .NET client's way to connect, as a static interface member, so code that knows only the client's type
/// (<c>ConnectClientAsync&lt;RoomConsumerClient&gt;</c> in Consumers.Testing) connects it without reflection.
/// Every generated <c>{Consumer}Client</c> implements it.
/// </summary>
/// <typeparam name="TSelf">The generated client class.</typeparam>
public interface IConsumerClient<TSelf>
    where TSelf : ConsumerClient, IConsumerClient<TSelf>
{
    /// <summary>Connects to the consumer's endpoint at <paramref name="uri"/>.</summary>
    /// <param name="uri">The endpoint's address (<c>ws://</c> or <c>wss://</c>).</param>
    /// <param name="options">The stream of a multiplexed endpoint, socket options, the reply timeout, a socket factory.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The connected client.</returns>
    static abstract Task<TSelf> ConnectAsync(Uri uri, ConsumerClientOptions? options = null, CancellationToken cancellationToken = default);
}
