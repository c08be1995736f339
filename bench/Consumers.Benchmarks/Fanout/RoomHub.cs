using Microsoft.AspNetCore.SignalR;

namespace Consumers.Benchmarks.Fanout;

/// <summary>Server (b): the SignalR equivalent of <see cref="RoomConsumer"/>: <c>Join</c> adds the caller to a group, <c>Send</c> broadcasts to it.</summary>
public sealed class RoomHub : Hub
{
    /// <summary>Adds the caller to the room's group.</summary>
    public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    /// <summary>Sends <paramref name="text"/> as <c>m(text)</c> to every member of the room, the caller included.</summary>
    public Task Send(string room, string text) => Clients.Group(room).SendAsync("m", text);
}
