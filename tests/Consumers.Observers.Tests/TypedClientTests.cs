using System.Collections.Concurrent;
using Consumers.Clients;
using Consumers.Tests.Infrastructure;

namespace Consumers.Observers.Tests;

/// <summary>
/// The generated .NET client of a consumer with observers: an action whose body subscribes to an observer takes
/// <see cref="ClientCallOptions{TNotification}"/>, and the observer's notifications arrive as its DTO.
/// </summary>
[TestFixture]
public sealed class TypedClientTests : ObserverHostFixture
{
    [Test]
    public async Task JoinRoom_DeliversTheObserversNotifications_AsItsDto()
    {
        await using var watcher = await MessageConsumerClient.ConnectAsync(Host.WebSocketUri("/ws/messages"));
        await using var poster = await MessageConsumerClient.ConnectAsync(Host.WebSocketUri("/ws/messages"));
        var received = new ConcurrentQueue<(string Action, MessageDto? Data)>();

        var joined = await watcher.JoinRoomAsync(1, new ClientCallOptions<MessageDto> { RequestId = "watch-1", OnNotification = (action, data) => received.Enqueue((action, data)) });
        var posted = await poster.PostAsync(1, "hello");
        var edited = await poster.EditAsync(posted.Data, text: "hello again");
        await Eventually.WaitUntilAsync(() => received.Count == 2);

        Assert.Multiple(() =>
        {
            Assert.That(joined.Status, Is.EqualTo(200));
            Assert.That(edited.IsSuccess, Is.True);
            Assert.That(received, Is.EqualTo(new[] { ("create", new MessageDto(posted.Data, 1, "hello")), ("update", new MessageDto(posted.Data, 1, "hello again")) }));
        });
    }

    [Test]
    public async Task UnsubscribedRequestId_GetsNoMoreNotifications()
    {
        await using var watcher = await MessageConsumerClient.ConnectAsync(Host.WebSocketUri("/ws/messages"));
        var received = new ConcurrentQueue<MessageDto?>();
        await watcher.JoinRoomAsync(1, new ClientCallOptions<MessageDto> { RequestId = "watch-2", OnNotification = (_, data) => received.Enqueue(data) });
        await watcher.PostAsync(1, "first");
        await Eventually.WaitUntilAsync(() => received.Count == 1);

        await watcher.LeaveRoomAsync(1, new ClientCallOptions { RequestId = "watch-2" });
        await watcher.PostAsync(1, "second");

        // A later subscription's notification comes after any the first one could still have got.
        var later = new ConcurrentQueue<MessageDto?>();
        await watcher.JoinRoomAsync(1, new ClientCallOptions<MessageDto> { RequestId = "watch-3", OnNotification = (_, data) => later.Enqueue(data) });
        await watcher.PostAsync(1, "third");
        await Eventually.WaitUntilAsync(() => !later.IsEmpty);

        Assert.Multiple(() =>
        {
            Assert.That(received.Select(m => m!.Text), Is.EqualTo(new[] { "first" }));
            Assert.That(later.Select(m => m!.Text), Is.EqualTo(new[] { "third" }));
        });
    }
}
