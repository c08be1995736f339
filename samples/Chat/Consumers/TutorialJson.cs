using System.Text.Json.Serialization;

namespace Chat.Consumers;

/// <summary>The Channels tutorial's frame, both ways: <c>{"message": "..."}</c>.</summary>
public sealed record TutorialMessage(string Message);

/// <summary>What the tutorial room answers its sender alone when a message is refused: <c>{"error": "..."}</c>, as the runtime's errors.</summary>
public sealed record TutorialError(string Error);

/// <summary>
/// Source-generated JSON metadata of the tutorial room. Required members are required: a frame without
/// <c>message</c>, or with <c>"message": null</c>, gets an error frame instead of reaching the handler with a null.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TutorialMessage))]
[JsonSerializable(typeof(TutorialError))]
public sealed partial class TutorialJson : JsonSerializerContext;
