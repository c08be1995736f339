using Consumers.EntityFrameworkCore;
using Consumers.Security;

namespace Consumers.Observers.Tests;

/// <summary>DRF's <c>IsOwnerOrReadOnly</c>, on the model: everyone may read a room, only its owner may change it.</summary>
public sealed class IsOwnerOrReadOnly : BasePermission
{
    public override ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
        => ValueTask.FromResult(context.Action is "retrieve" or "subscribe_instance" || (instance is Room room && room.Owner == context.User.Identity?.Name));
}

/// <summary>Rooms every user sees; the object permission decides who may change one.</summary>
[Permission(typeof(IsOwnerOrReadOnly))]
[JsonContext(typeof(ObserverJson))]
public sealed partial class SharedRoomConsumer(ChatDb db, RoomSerializer serializer) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer);

/// <summary>Archived rooms: no connection or request is about the archive, so only the object check says anything.</summary>
public sealed class IsArchived : BasePermission
{
    public override ValueTask<bool> CanConnectAsync(PermissionContext context) => ValueTask.FromResult(false);

    public override ValueTask<bool> HasPermissionAsync(PermissionContext context) => ValueTask.FromResult(false);

    public override ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
        => ValueTask.FromResult(instance is Room room && room.Name.StartsWith("Archived", StringComparison.Ordinal));
}

/// <summary>DRF's <c>~IsArchived</c>: every request, but no archived room.</summary>
public sealed class NotArchived() : NotPermission(new IsArchived());

[Permission(typeof(NotArchived))]
[JsonContext(typeof(ObserverJson))]
public sealed partial class LiveRoomConsumer(ChatDb db, RoomSerializer serializer) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer);
