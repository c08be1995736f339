namespace Consumers.Clients;

/// <summary>
/// Options of a call whose action subscribes the caller to model observers with a known DTO (the generated client
/// uses it where the action's body calls the observer's <c>Subscribe…Async</c>): notifications arrive typed.
/// </summary>
/// <typeparam name="TNotification">The observer's DTO.</typeparam>
public sealed class ClientCallOptions<TNotification>
{
    /// <summary>The request id (a JSON string); default a fresh one. Notifications of this call carry it.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Receives the notifications that later carry this call's request id as <c>(action, data)</c>, with <c>action</c>
    /// <c>create</c>, <c>update</c> or <c>delete</c> and <c>data</c> read with the observer's metadata; called on the
    /// client's receive loop: return quickly.
    /// </summary>
    public Action<string, TNotification?>? OnNotification { get; init; }
}
