using Consumers;
using Consumers.Security;

namespace Consumers.Observers.Tests;

/// <summary>Refuses objects whose text says "secret".</summary>
public sealed class NoSecrets : BasePermission
{
    public override ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
        => instance is MessageDto message
            ? ValueTask.FromResult(!message.Text.Contains("secret", StringComparison.Ordinal))
            : throw new InvalidOperationException($"The observer's MessageDto was expected, not {instance.GetType().Name}.");
}

/// <summary>An observer on a consumer with a permission: notifications pass the object check first.</summary>
[Permission(typeof(NoSecrets))]
[JsonContext(typeof(ObserverJson))]
public sealed partial class GuardedConsumer : Consumer
{
    [ModelObserver<Message>(Group = "room:{RoomId}")]
    private static MessageDto GuardedActivity(Message message) => new(message.Id, message.RoomId, message.Text);

    [ModelObserver<Message>(Groups = new[] { "room:{RoomId}", "topic:{Topic}" })]
    private static MessageDto GuardedFeed(Message message) => new(message.Id, message.RoomId, message.Text);

    [Action]
    public ValueTask Watch(int roomId, RequestContext request) => SubscribeGuardedActivityAsync(roomId, request);

    [Action]
    public ValueTask WatchFeedRoom(int roomId, RequestContext request) => SubscribeGuardedFeedByRoomIdAsync(roomId, request);

    [Action]
    public ValueTask WatchFeedTopic(string topic, RequestContext request) => SubscribeGuardedFeedByTopicAsync(topic, request);
}
