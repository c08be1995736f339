using Microsoft.AspNetCore.Http.Features;

namespace Consumers.Connections;

/// <summary>
/// Wraps the server's HTTP/1.1 upgrade so that the upgraded stream is a <see cref="FrameBatchingStream"/>: installed
/// before ASP.NET Core's WebSockets middleware (which takes the upgrade feature when the request arrives), so a
/// consumer connection can reach the stream its WebSocket writes to. HTTP/2 WebSockets do not upgrade and are not batched.
/// </summary>
internal sealed class FrameBatchingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    /// <summary>The upgraded stream, once <see cref="UpgradeAsync"/> has run.</summary>
    public FrameBatchingStream? Stream { get; private set; }

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync()
    {
        Stream = new FrameBatchingStream(await inner.UpgradeAsync().ConfigureAwait(false));
        return Stream;
    }
}
