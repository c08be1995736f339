using Microsoft.Extensions.Logging;

namespace Consumers.Dispatch;

/// <summary>What dispatching an action logs: failures of user code, answered with 500 (or a 500 end frame for a stream).</summary>
internal static partial class DispatchLog
{
    [LoggerMessage(4, LogLevel.Error, "Action {Action} (request_id {RequestId}) threw an unhandled exception; answered 500.", EventName = "ActionFailed")]
    public static partial void ActionFailed(ILogger logger, string action, string requestId, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Stream {Action} (request_id {RequestId}) threw an unhandled exception after {Items} items; ended with 500.", EventName = "StreamFailed")]
    public static partial void StreamFailed(ILogger logger, string action, string requestId, int items, Exception exception);
}
