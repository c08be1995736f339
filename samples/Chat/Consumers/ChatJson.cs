using System.ComponentModel.DataAnnotations;
using Consumers;
using System.Text.Json.Serialization;

namespace Chat.Consumers;

/// <summary>A room as clients see it: its key as <c>pk</c>, its name and the users present.</summary>
public sealed record RoomDto(
    int Pk,
    [property: Required(AllowEmptyStrings = false, ErrorMessage = "This field may not be blank.")]
    [property: RegularExpression(RoomNames.Pattern, ErrorMessage = RoomNames.Rule)]
    string Name,
    List<string>? Users,
    string? Creator);

/// <summary>A message as clients see it.</summary>
public sealed record MessageDto(int Pk, int Room, string User, string Text, DateTimeOffset CreatedAt);

/// <summary>
/// Someone came into a room or left it (their last connection there closed or left): pushed to everyone in the room as
/// the event <c>presence</c>, <c>{"errors": [], "data": {"room", "user", "joined"}, "action": "presence", ...}</c>.
/// </summary>
[ConsumerEvent("presence")]
public sealed record PresenceChange(int Room, string User, bool Joined);

/// <summary>Source-generated JSON metadata of the chat, snake_case on the wire as DCRF front ends expect.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RoomDto))]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(List<MessageDto>))]
[JsonSerializable(typeof(PresenceChange))]
public sealed partial class ChatJson : JsonSerializerContext;
