using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Chat.Accounts;
using Chat.Data;
using Consumers;
using Consumers.EntityFrameworkCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Chat.Consumers;

/// <summary>
/// The chat's consumer, in the shape of DCRF's tutorial: the generic room actions (list, retrieve, create, delete,
/// subscribe_instance) come from <see cref="ModelConsumer{TContext, TModel, TDto, TKey}"/>; joining a room subscribes
/// the caller to the room's messages under the join's request_id; users leave their rooms when the socket drops.
/// Only signed-in users connect (a cookie from the pages, or <c>?access_token=</c> from <c>/api/token</c>); the user
/// is the connection's principal, as in DCRF's tutorial with Django's auth users. Who comes and goes is pushed to the
/// room as the typed event <see cref="PresenceChange"/>.
/// </summary>
[Authorize]
[Pushes(typeof(PresenceChange))]
[JsonContext(typeof(ChatJson))]
public sealed partial class RoomConsumer(ChatDb db, RoomSerializer serializer, PresenceSweeper presence) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer)
{
    /// <summary>Rooms a user may create per hour.</summary>
    public const int MaxRoomsPerHour = 20;

    /// <summary>
    /// Rooms that may be created per hour from one client address, whichever accounts create them (accounts are free):
    /// generous for users sharing an address behind NAT.
    /// </summary>
    public const int MaxRoomsPerAddressPerHour = 50;

    private string Username => Context.User.Identity!.Name!;

    private string? Address => ClientAddress.Of(Context.HttpContext);

    protected override ModelActions Actions => ModelActions.List | ModelActions.Retrieve | ModelActions.Create | ModelActions.Delete | ModelActions.Subscribe;

    /// <summary><c>list</c> answers pages of 50 rooms (<c>{"count", "results", "limit", "offset"}</c>).</summary>
    protected override int? PageSize => 50;

    protected override IQueryable<Room> GetQueryable() => Db.Rooms.Include(r => r.Users);

    /// <summary>New messages of a room, pushed to everyone who joined it.</summary>
    [ModelObserver<Message>(Group = "room:{RoomId}")]
    private static MessageDto MessageActivity(Message message) => ToDto(message);

    /// <summary>
    /// <c>create</c>: creates the room, and the creator joins it; 429 past <see cref="MaxRoomsPerHour"/> for the user or
    /// <see cref="MaxRoomsPerAddressPerHour"/> for the client's address.
    /// </summary>
    public override async Task<ActionResult<RoomDto>> CreateAsync(RoomDto data, CancellationToken cancellationToken = default)
    {
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        if (await Db.Rooms.CountAsync(r => r.Creator == Username && r.CreatedAt > hourAgo, cancellationToken) >= MaxRoomsPerHour)
        {
            return ActionResult.Error(429, $"You can create at most {MaxRoomsPerHour} rooms per hour.");
        }

        if (Address is { } address && await Db.Rooms.CountAsync(r => r.CreatorAddress == address && r.CreatedAt > hourAgo, cancellationToken) >= MaxRoomsPerAddressPerHour)
        {
            return ActionResult.Error(429, $"At most {MaxRoomsPerAddressPerHour} rooms per hour can be created from one address.");
        }

        if (data.Name is not null && await Db.Rooms.AnyAsync(r => r.Name == data.Name.Trim(), cancellationToken))
        {
            return ActionResult.BadRequest("name", "A room with this name already exists.");
        }

        Db.SavingChanges += StampCreator;
        try
        {
            var created = await base.CreateAsync(data, cancellationToken);
            if (created.HasData)
            {
                await AddPresenceAsync(created.Data!.Pk, cancellationToken);
                return ActionResult<RoomDto>.Created(Serializer.ToDto((await FindAsync(created.Data.Pk, tracking: false, cancellationToken))!));
            }

            return created;
        }
        catch (DbUpdateException)
        {
            // Two users created the same name at once: the unique index decided.
            Db.ChangeTracker.Clear();
            return ActionResult.BadRequest("name", "A room with this name already exists.");
        }
        finally
        {
            Db.SavingChanges -= StampCreator;
        }
    }

    /// <summary><c>delete</c>: only the room's creator may delete it (403 for anyone else); both are audited.</summary>
    [ConsumerFilter(typeof(RoomDeletionAudit))]
    public override async Task<ActionResult> DeleteAsync(int pk, CancellationToken cancellationToken = default)
    {
        var room = await FindAsync(pk, tracking: false, cancellationToken);
        if (room is not null && room.Creator != Username)
        {
            return ActionResult.Forbidden();
        }

        return await base.DeleteAsync(pk, cancellationToken);
    }

    /// <summary><c>find_room</c>: the room with this name, or 404 (the page looks its room up by name).</summary>
    [Action]
    public async Task<ActionResult<RoomDto>> FindRoom(string name, CancellationToken cancellationToken)
    {
        var room = await GetQueryable().AsNoTracking().FirstOrDefaultAsync(r => r.Name == name, cancellationToken);
        return room is null ? ActionResult.NotFound() : Serializer.ToDto(room);
    }

    /// <summary>
    /// <c>join_room</c>: the caller is present in the room and subscribed to its messages under this request's
    /// request_id (every pushed message carries it). Idempotent, so a reconnecting client sends it again.
    /// </summary>
    [Action]
    public async Task<ActionResult<RoomDto>> JoinRoom(int pk, RequestContext request, CancellationToken cancellationToken)
    {
        if (await FindAsync(pk, tracking: false, cancellationToken) is null)
        {
            return ActionResult.NotFound();
        }

        await SubscribeMessageActivityAsync(pk, request, cancellationToken);
        await JoinGroupAsync(PresenceGroup(pk), cancellationToken);
        await AddPresenceAsync(pk, cancellationToken);
        return Serializer.ToDto((await FindAsync(pk, tracking: false, cancellationToken))!);
    }

    /// <summary><c>leave_room</c>: no longer present, no more messages.</summary>
    [Action]
    public async Task<ActionResult> LeaveRoom(int pk, CancellationToken cancellationToken)
    {
        await UnsubscribeMessageActivityAsync(pk, cancellationToken: cancellationToken);
        await LeaveGroupAsync(PresenceGroup(pk), cancellationToken);
        await RemovePresenceAsync(pk, cancellationToken);
        return ActionResult.Ok();
    }

    /// <summary><c>create_message</c>: saves a message; the observer pushes it to everyone in the room.</summary>
    [Action]
    public async Task<ActionResult<MessageDto>> CreateMessage(int room, string message, CancellationToken cancellationToken)
    {
        message = message.Trim();
        if (message.Length is 0 or > 2000)
        {
            return ActionResult.BadRequest("message", "Use 1-2000 characters.");
        }

        if (!await Db.Rooms.AnyAsync(r => r.Id == room, cancellationToken))
        {
            return ActionResult.NotFound();
        }

        var saved = new Message { RoomId = room, User = Username, Text = message, CreatedAt = DateTimeOffset.UtcNow };
        Db.Messages.Add(saved);
        await Db.SaveChangesAsync(cancellationToken);
        return ActionResult<MessageDto>.Created(ToDto(saved));
    }

    /// <summary><c>list_messages</c>: the room's last messages, oldest first (the history a page shows on load).</summary>
    [Action]
    public async Task<ActionResult<List<MessageDto>>> ListMessages(int room, int limit = 50, CancellationToken cancellationToken = default)
    {
        var last = await Db.Messages.AsNoTracking()
            .Where(m => m.RoomId == room)
            .OrderByDescending(m => m.Id)
            .Take(Math.Clamp(limit, 1, 200))
            .ToListAsync(cancellationToken);
        last.Reverse();
        return last.Select(ToDto).ToList();
    }

    /// <summary>Longest search text <c>search_messages</c> takes.</summary>
    public const int MaxSearchLength = 100;

    /// <summary>
    /// <c>search_messages</c>: the room's messages containing the text, newest first, at most 200, streamed one by one as
    /// the database returns them (the page shows them as they come; a new search cancels the previous one with
    /// <c>$cancel</c>). A stream runs beside the connection's other actions, so it reads with a DbContext of its own
    /// (a scope of its own): EF Core's contexts take one operation at a time, and the consumer's is the ordered actions'.
    /// </summary>
    [Action]
    public async IAsyncEnumerable<MessageDto> SearchMessages(
        int room,
        string text,
        IServiceScopeFactory scopes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        text = text.Trim();
        if (text.Length is 0 or > MaxSearchLength)
        {
            throw new ActionException(StatusCodes.Status400BadRequest, ActionErrors.Field("text", $"Use 1-{MaxSearchLength} characters."));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var matches = db.Messages.AsNoTracking()
            .Where(m => m.RoomId == room && m.Text.Contains(text))
            .OrderByDescending(m => m.Id)
            .Take(200)
            .AsAsyncEnumerable()
            .WithCancellation(cancellationToken);
        await foreach (var message in matches)
        {
            yield return ToDto(message);
        }
    }

    /// <summary>Users leave their rooms when their socket drops (DCRF's tutorial does not handle this).</summary>
    protected override async ValueTask OnDisconnectAsync(WebSocketCloseStatus? closeStatus)
    {
        var presences = await Db.RoomUsers.Where(u => u.Channel == Context.ChannelName).ToListAsync();
        foreach (var roomId in presences.Select(p => p.RoomId).Distinct())
        {
            await RemovePresenceAsync(roomId, CancellationToken.None);
        }
    }

    private static MessageDto ToDto(Message message) => new(message.Id, message.RoomId, message.User, message.Text, message.CreatedAt);

    private async Task AddPresenceAsync(int roomId, CancellationToken cancellationToken)
    {
        var room = await Db.Rooms.Include(r => r.Users).FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is null || room.Users.Any(u => u.Channel == Context.ChannelName))
        {
            return;
        }

        var arriving = room.Users.All(u => u.Username != Username);
        room.Users.Add(new RoomUser { Username = Username, Channel = Context.ChannelName, Node = presence.NodeId });
        room.UpdatedAt = DateTimeOffset.UtcNow;
        await Db.SaveChangesAsync(cancellationToken);
        if (arriving)
        {
            await PushPresenceAsync(roomId, joined: true, cancellationToken);
        }
    }

    private async Task RemovePresenceAsync(int roomId, CancellationToken cancellationToken)
    {
        var room = await Db.Rooms.Include(r => r.Users).FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        var mine = room?.Users.Where(u => u.Channel == Context.ChannelName).ToList() ?? [];
        if (mine.Count == 0)
        {
            return;
        }

        foreach (var presence in mine)
        {
            room!.Users.Remove(presence);
        }

        room!.UpdatedAt = DateTimeOffset.UtcNow;
        await Db.SaveChangesAsync(cancellationToken);
        if (room.Users.All(u => u.Username != Username))
        {
            await PushPresenceAsync(roomId, joined: false, cancellationToken);
        }
    }

    // Presence: everyone who joined a room (join_room) is in its presence group, on every node, and gets a typed push
    // when a user arrives (their first connection in the room) or leaves (their last one); not the connection that
    // caused it (its page knows).
    private static string PresenceGroup(int roomId) => "presence:" + roomId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ValueTask PushPresenceAsync(int roomId, bool joined, CancellationToken cancellationToken)
        => SendToGroupAsync(PresenceGroup(roomId), new PresenceChange(roomId, Username, joined), ChatJson.Default.PresenceChange, excludeSelf: true, cancellationToken);

    private void StampCreator(object? sender, SavingChangesEventArgs e)
    {
        foreach (var entry in Db.ChangeTracker.Entries<Room>().Where(r => r.State == EntityState.Added))
        {
            entry.Entity.Creator = Username;
            entry.Entity.CreatorAddress = Address ?? "";
            entry.Entity.CreatedAt = DateTimeOffset.UtcNow;
        }
    }
}
