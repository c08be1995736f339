using System.Text.Json;
using Consumers;

namespace Consumers.Observers.Tests;

/// <summary>Shapes its own notifications with an observer handler (DCRF's model_observer handler).</summary>
[JsonContext(typeof(ObserverJson))]
public partial class DigestConsumer : Consumer
{
    [ModelObserver<Message>(Group = "room:{RoomId}", Handler = nameof(OnMessage))]
    private static MessageDto MessageDigest(Message message) => new(message.Id, message.RoomId, message.Text.ToUpperInvariant());

    [ModelObserver<Message>(Groups = new[] { "room:{RoomId}", "topic:{Topic}" }, Handler = nameof(OnFeed))]
    private static MessageDto FeedDigest(Message message) => new(message.Id, message.RoomId, message.Text);

    [Action]
    public ValueTask Watch(int roomId, RequestContext request) => SubscribeMessageDigestAsync(roomId, request);

    [Action]
    public ValueTask WatchFeedRoom(int roomId, RequestContext request) => SubscribeFeedDigestByRoomIdAsync(roomId, request);

    [Action]
    public ValueTask WatchFeedTopic(string topic, RequestContext request) => SubscribeFeedDigestByTopicAsync(topic, request);

    private void OnFeed(MessageDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds)
        => Send(new DigestLine("feed", data.Text, action.ToString(), string.Join(",", requestIds.Select(id => id.GetRawText()))), ObserverJson.Default.DigestLine);

    [Action]
    public Task Nap(int milliseconds, CancellationToken cancellationToken) => Task.Delay(milliseconds, cancellationToken);

    private ValueTask OnMessage(MessageDto data, ModelAction action, IReadOnlyList<JsonElement> requestIds)
    {
        if (data.Text == "BOOM")
        {
            throw new InvalidOperationException("handler failure");
        }

        Send(new DigestLine("digest", data.Text, action.ToString(), string.Join(",", requestIds.Select(id => id.GetRawText()))), ObserverJson.Default.DigestLine);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Inherits <see cref="DigestConsumer"/>'s observers, their subscribe methods and their handlers.</summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class DerivedDigestConsumer : DigestConsumer
{
}
