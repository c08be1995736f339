namespace Consumers.Observers;

/// <summary>The request ids of one consumer that get a notification, and the action each of them sees.</summary>
/// <param name="Action">What happened, as these request ids see it.</param>
/// <param name="RequestIds">The request ids (raw JSON), each once.</param>
internal readonly record struct NotificationTarget(ModelAction Action, byte[][] RequestIds);
