using Consumers;
using Microsoft.EntityFrameworkCore;

namespace Consumers.Observers.Tests;

/// <summary>Observes messages per room; the actions change them through EF Core.</summary>
[JsonContext(typeof(ObserverJson))]
public sealed partial class MessageConsumer(ChatDb db) : Consumer
{
    [ModelObserver<Message>(Group = "room:{RoomId}")]
    private static MessageDto MessageActivity(Message message) => new(message.Id, message.RoomId, message.Text);

    [ModelObserver<Message>(Group = "topic:{Topic}")]
    private static MessageDto TopicActivity(Message message) => new(message.Id, message.RoomId, message.Text);

    // Fails for one text, after the commit: the saver and the other observers must not notice.
    [ModelObserver<Message>(Group = "fragile:{RoomId}")]
    private static MessageDto Fragile(Message message)
        => message.Text == "explode" ? throw new InvalidOperationException("serializer failure") : new(message.Id, message.RoomId, message.Text);

    [Action]
    public ValueTask JoinRoom(int roomId, RequestContext request) => SubscribeMessageActivityAsync(roomId, request);

    // Concurrent: subscribes, then takes a while before it replies (changes meanwhile must not overtake the reply).
    [Action(Concurrent = true)]
    public async Task<string> JoinRoomSlowly(int roomId, int delayMs, RequestContext request, CancellationToken cancellationToken)
    {
        await SubscribeMessageActivityAsync(roomId, request, cancellationToken);
        await Task.Delay(delayMs, cancellationToken);
        return "joined";
    }

    [Action]
    public ValueTask LeaveRoom(int roomId, RequestContext request) => UnsubscribeMessageActivityAsync(roomId, request);

    [Action]
    public ValueTask LeaveRoomEverywhere(int roomId) => UnsubscribeMessageActivityAsync(roomId);

    [Action]
    public ValueTask FollowTopic(string topic, RequestContext request) => SubscribeTopicActivityAsync(topic, request);

    [Action]
    public async Task<int> Post(int roomId, string text, string? topic = null)
    {
        var message = new Message { RoomId = roomId, Text = text, Topic = topic };
        db.Messages.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    [Action]
    public async Task<ActionResult> Edit(int pk, string? text = null, int? roomId = null, string? topic = null)
    {
        var message = await db.Messages.FindAsync(pk);
        if (message is null)
        {
            return ActionResult.NotFound();
        }

        message.Text = text ?? message.Text;
        message.RoomId = roomId ?? message.RoomId;
        message.Topic = topic ?? message.Topic;
        await db.SaveChangesAsync();
        return ActionResult.Ok();
    }

    [Action]
    public async Task Remove(int pk)
    {
        db.Messages.Remove(await db.Messages.FindAsync(pk) ?? throw ActionException.NotFound());
        await db.SaveChangesAsync();
    }

    [Action]
    public async Task PostInTransaction(int roomId, string text, bool commit)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Messages.Add(new Message { RoomId = roomId, Text = text });
        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();

            // The connection's context lives on: forget the rows the database no longer has.
            db.ChangeTracker.Clear();
        }
    }

    [Action]
    public async Task PostThatFails(int roomId)
    {
        // The second row breaks the NOT NULL constraint: the whole save fails in the database.
        db.Messages.Add(new Message { RoomId = roomId, Text = "fine" });
        db.Messages.Add(new Message { RoomId = roomId, Text = null! });
        try
        {
            await db.SaveChangesAsync();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
