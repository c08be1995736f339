namespace Consumers.Contracts;

/// <summary>
/// Endpoint metadata of a consumer endpoint: whether it is multiplexed and the contract of each consumer it serves.
/// <c>MapAsyncApi()</c> finds the consumer endpoints through it, as ASP.NET Core's API explorer finds controllers.
/// </summary>
/// <param name="Multiplexed">Whether frames are wrapped as <c>{"stream", "payload"}</c>.</param>
/// <param name="Streams">The consumers served: one with a null stream on a plain endpoint, one per stream otherwise.</param>
/// <param name="RequiresAuthorization">
/// Whether the handshake requires an authorized user: some consumer of the endpoint has a class-level
/// <c>[Authorize]</c> without <c>[AllowAnonymous]</c> (on a multiplexed endpoint every stream's consumer must accept the user).
/// </param>
internal sealed record ConsumerEndpointContract(bool Multiplexed, IReadOnlyList<StreamContract> Streams, bool RequiresAuthorization = false);

