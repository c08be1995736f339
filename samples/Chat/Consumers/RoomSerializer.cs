using Chat.Data;
using Consumers.EntityFrameworkCore;

namespace Chat.Consumers;

/// <summary>How rooms are shown and created (DRF's serializer_class).</summary>
public sealed class RoomSerializer : ModelSerializer<Room, RoomDto, int>
{
    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo<RoomDto> DtoTypeInfo => ChatJson.Default.RoomDto;

    public override int KeyOf(Room model) => model.Id;

    public override RoomDto ToDto(Room model)
        => new(model.Id, model.Name, [.. model.Users.Select(u => u.Username).Distinct().Order(StringComparer.Ordinal)], model.Creator);

    public override Room CreateModel(RoomDto data) => new() { Name = data.Name.Trim() };

    public override void UpdateModel(Room model, RoomDto data) => model.Name = data.Name.Trim();
}
