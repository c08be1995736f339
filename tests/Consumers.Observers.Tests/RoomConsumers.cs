using Consumers.EntityFrameworkCore;

namespace Consumers.Observers.Tests;

/// <summary>The room serializer: pk, name and capacity; rooms belong to the user who created them.</summary>
public sealed class RoomSerializer : ModelSerializer<Room, RoomDto, int>
{
    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo<RoomDto> DtoTypeInfo => ObserverJson.Default.RoomDto;

    public override int KeyOf(Room model) => model.Id;

    public override RoomDto ToDto(Room model) => new(model.Id, model.Name, model.Capacity);

    public override Room CreateModel(RoomDto data) => new() { Name = data.Name, Capacity = data.Capacity };

    public override void UpdateModel(Room model, RoomDto data)
    {
        model.Name = data.Name;
        model.Capacity = data.Capacity;
    }
}

/// <summary>Every generic action; each user sees only the rooms they own (the test passes the user in the query string).</summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class RoomConsumer(ChatDb db, RoomSerializer serializer) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer)
{
    private string User => Context.HttpContext.Request.Query["user"].ToString();

    protected override IQueryable<Room> GetQueryable() => Db.Rooms.Where(r => r.Owner == User);

    public override async Task<ActionResult<RoomDto>> CreateAsync(RoomDto data, CancellationToken cancellationToken = default)
    {
        Db.SavingChanges += StampOwner;
        try
        {
            return await base.CreateAsync(data, cancellationToken);
        }
        finally
        {
            Db.SavingChanges -= StampOwner;
        }
    }

    private void StampOwner(object? sender, Microsoft.EntityFrameworkCore.SavingChangesEventArgs e)
    {
        foreach (var entry in Db.ChangeTracker.Entries<Room>().Where(r => r.State == Microsoft.EntityFrameworkCore.EntityState.Added))
        {
            entry.Entity.Owner = User;
        }
    }
}

/// <summary>Only list and retrieve, paginated by 2.</summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class RoomDirectoryConsumer(ChatDb db, RoomSerializer serializer) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer)
{
    protected override ModelActions Actions => ModelActions.ReadOnly;

    protected override int? PageSize => 2;
}

/// <summary>
/// Rooms filtered through a subquery of the consumer's own context: EF Core cannot run it on another context, so the
/// batched re-check of instance notifications falls back to each subscriber's own query.
/// </summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class SubqueryRoomConsumer(ChatDb db, RoomSerializer serializer) : ModelConsumer<ChatDb, Room, RoomDto, int>(db, serializer)
{
    protected override IQueryable<Room> GetQueryable() => Db.Rooms.Where(r => Db.Messages.Count() >= 0);
}
