using Consumers;

namespace Chat.Consumers;

/// <summary>
/// The audit log of room deletions, as a filter around <c>delete</c>: who deleted which room, and who tried to delete a
/// room that is not theirs, one structured log event each (EventIds 300 and 301, category
/// <c>Chat.Consumers.RoomDeletionAudit</c>), written after the action has answered.
/// </summary>
public sealed partial class RoomDeletionAudit(ILogger<RoomDeletionAudit> logger) : IConsumerFilter
{
    /// <inheritdoc/>
    public async ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        var result = await next(context);
        var room = context.Arguments.Get<int>(context.Arguments.IndexOf("pk"));
        var user = context.User.Identity?.Name ?? "";
        if (result.Status == StatusCodes.Status204NoContent)
        {
            RoomDeleted(logger, room, user);
        }
        else if (result.Status == StatusCodes.Status403Forbidden)
        {
            DeletionRefused(logger, room, user);
        }

        return result;
    }

    [LoggerMessage(300, LogLevel.Information, "Room {Room} deleted by {User}.", EventName = "RoomDeleted")]
    private static partial void RoomDeleted(ILogger logger, int room, string user);

    [LoggerMessage(301, LogLevel.Warning, "{User} tried to delete room {Room}, which is not theirs.", EventName = "RoomDeletionRefused")]
    private static partial void DeletionRefused(ILogger logger, int room, string user);
}
