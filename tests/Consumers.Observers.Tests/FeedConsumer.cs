using Consumers;

namespace Consumers.Observers.Tests;

/// <summary>Observers whose changes belong to several groups: two templates, and a method (tags in the text).</summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class FeedConsumer : Consumer
{
    [ModelObserver<Message>(Groups = new[] { "room:{RoomId}", "topic:{Topic}" })]
    private static MessageDto Feed(Message message) => new(message.Id, message.RoomId, message.Text);

    [ModelObserver<Message>(GroupsMethod = nameof(TagsOf))]
    private static MessageDto Tagged(Message message) => new(message.Id, message.RoomId, message.Text);

    // The "#words" of a message's text: any text is a valid key. Fails for one text, after the commit.
    private static IEnumerable<string> TagsOf(Message message)
        => message.Text == "#explode"
            ? throw new InvalidOperationException("groups method failure")
            : message.Text.Split(' ').Where(w => w.Length > 1 && w[0] == '#').Select(w => w[1..]);

    [Action]
    public ValueTask FollowRoom(int roomId, RequestContext request) => SubscribeFeedByRoomIdAsync(roomId, request);

    [Action]
    public ValueTask FollowTopic(string topic, RequestContext request) => SubscribeFeedByTopicAsync(topic, request);

    [Action]
    public ValueTask UnfollowTopic(string topic, RequestContext request) => UnsubscribeFeedByTopicAsync(topic, request);

    [Action]
    public ValueTask FollowTag(string tag, RequestContext request) => SubscribeTaggedAsync(tag, request);
}
