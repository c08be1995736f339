using System.Text.Json.Serialization;

namespace Chat;

/// <summary>A room joined by a user.</summary>
public sealed record JoinedRoom(string Room, string Username);

/// <summary>A posted message.</summary>
public sealed record ChatMessage(string Type, string Room, string Username, string Text, DateTimeOffset At);

/// <summary>Source-generated JSON metadata of the chat's DTOs, snake_case on the wire as DCRF front ends expect.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JoinedRoom))]
[JsonSerializable(typeof(ChatMessage))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
