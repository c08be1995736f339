using System.Collections.Immutable;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Clients;

/// <summary>
/// Server pushes (docs/protocol.md, "Server pushes"): the generated <c>On{Event}</c> methods register a typed handler
/// for an event the consumer declares with <c>[Pushes]</c>; <see cref="OnFrame"/> receives every frame that no call,
/// subscription or event handler claimed.
/// </summary>
public abstract partial class ConsumerClient
{
    // Handlers per event name, and the frame handlers; copied on write, read on the receive loop.
    private ImmutableDictionary<string, ImmutableArray<Func<JsonElement, bool>>> _events = ImmutableDictionary<string, ImmutableArray<Func<JsonElement, bool>>>.Empty;
    private ImmutableArray<Action<JsonElement>> _frameHandlers = [];

    /// <summary>
    /// Calls <paramref name="handler"/> with each frame that no call, subscription or event handler claimed (a push of
    /// a type the consumer does not declare, a plain group message), on the receive loop: keep it short.
    /// </summary>
    /// <param name="handler">Receives the frame (the payload, on a multiplexed endpoint).</param>
    /// <returns>Removes the handler when disposed.</returns>
    public IDisposable OnFrame(Action<JsonElement> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref _frameHandlers, static (list, added) => list.Add(added), handler);
        return new Registration(() => ImmutableInterlocked.Update(ref _frameHandlers, static (list, removed) => list.Remove(removed), handler));
    }

    /// <summary>
    /// Registers a typed handler of an event (used by the generated <c>On{Event}</c> methods): each envelope with
    /// <c>request_id</c> null and this <c>action</c> has its <c>data</c> read with <paramref name="typeInfo"/> and
    /// passed to <paramref name="handler"/>, on the receive loop. Data that does not match goes to the frame handlers.
    /// </summary>
    /// <param name="name">The event's wire name.</param>
    /// <param name="typeInfo">The event type's metadata.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>Removes the handler when disposed.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected IDisposable OnEvent<T>(string name, JsonTypeInfo<T> typeInfo, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(handler);
        Func<JsonElement, bool> typed = data =>
        {
            T value;
            try
            {
                value = data.Deserialize(typeInfo)!;
            }
            catch (JsonException)
            {
                return false;
            }

            handler(value);
            return true;
        };
        ImmutableInterlocked.AddOrUpdate(ref _events, name, [typed], (_, list) => list.Add(typed));
        return new Registration(() => ImmutableInterlocked.AddOrUpdate(ref _events, name, [], (_, list) => list.Remove(typed)));
    }

    // A frame no call or subscription claimed: to the handlers of its event, else to the frame handlers. A handler that
    // throws does not stop the receive loop or the other handlers.
    private void DeliverPush(string requestIdKey, JsonElement frame)
    {
        var delivered = false;
        if (requestIdKey == "null" && Text(frame, "action") is { } action && _events.TryGetValue(action, out var handlers))
        {
            var data = Property(frame, "data");
            foreach (var handler in handlers)
            {
                delivered |= Guarded(() => handler(data));
            }
        }

        if (!delivered)
        {
            foreach (var handler in _frameHandlers)
            {
                Guarded(() =>
                {
                    handler(frame);
                    return true;
                });
            }
        }
    }

    private static bool Guarded(Func<bool> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The handler's own failure: the client goes on receiving (documented on OnFrame and the On{Event} methods).
            return true;
        }
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
