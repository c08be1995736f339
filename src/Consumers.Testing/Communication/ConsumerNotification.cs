namespace Consumers.Testing.Communication;

/// <summary>
/// A frame pushed under a subscribing request's <c>request_id</c> (DCRF's instance and model-observer
/// notifications): its <c>action</c> (<c>create</c>, <c>update</c>, <c>delete</c>) and its <c>data</c>, typed.
/// </summary>
/// <typeparam name="T">The notification's data type.</typeparam>
/// <param name="Action">The frame's <c>action</c>.</param>
/// <param name="Data">The frame's <c>data</c>, deserialized; default for JSON null.</param>
/// <param name="Envelope">The whole frame.</param>
public sealed record ConsumerNotification<T>(string? Action, T? Data, ConsumerEnvelope Envelope);
