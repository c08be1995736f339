using System.Text.Json;

namespace Consumers.Clients;

/// <summary>Options of one call through a generated .NET client.</summary>
public sealed class ClientCallOptions
{
    /// <summary>The request id (a JSON string); default a fresh one. Notifications of this call carry it.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Receives the frames that later carry this call's request id (observer notifications, subscribe_instance
    /// updates) as <c>(action, data)</c>, on the client's receive loop: return quickly.
    /// </summary>
    public Action<string, JsonElement>? OnNotification { get; init; }
}
