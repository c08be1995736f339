using Microsoft.AspNetCore.SignalR;

namespace Consumers.Benchmarks.Fanout;

/// <summary>Server (b): the SignalR equivalent; the room comes from the query string (<c>?room=</c>), <c>Send</c> broadcasts to it.</summary>
public sealed class FanoutHub : Hub
{
    private const string RoomKey = "room";

    /// <inheritdoc />
    public override async Task OnConnectedAsync()
    {
        var room = Context.GetHttpContext()!.Request.Query[RoomKey].ToString();
        Context.Items[RoomKey] = room;
        await Groups.AddToGroupAsync(Context.ConnectionId, room).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="body"/> as <c>m(body)</c> to every member of the caller's room, the caller included.</summary>
    public Task Send(string body) => Clients.Group((string)Context.Items[RoomKey]!).SendAsync("m", body);
}
