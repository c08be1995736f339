using Microsoft.Extensions.Logging;

namespace Consumers.Connections;

/// <summary>Log events of resumable sessions (<c>consumers.resume</c>). EventIds 60-69 are theirs: never renumber them.</summary>
internal static partial class ResumeLog
{
    [LoggerMessage(60, LogLevel.Information, "Resume token refused ({Reason}); the client gets a fresh session.", EventName = "ResumeRefused")]
    public static partial void ResumeRefused(ILogger logger, string reason);

    [LoggerMessage(61, LogLevel.Debug, "Socket dropped; session parked for {Window}.", EventName = "SessionParked")]
    public static partial void SessionParked(ILogger logger, TimeSpan window);

    [LoggerMessage(62, LogLevel.Debug, "Session resumed after frame {Seq}; {Replayed} frames replayed.", EventName = "SessionResumed")]
    public static partial void SessionResumed(ILogger logger, long seq, int replayed);

    [LoggerMessage(63, LogLevel.Information, "Parked session ended ({Reason}).", EventName = "ParkedSessionEnded")]
    public static partial void ParkedSessionEnded(ILogger logger, string reason);

    [LoggerMessage(64, LogLevel.Warning, "Resume buffer full ({MaxBytes} bytes of frames not acknowledged): the session cannot be resumed; closing it with 1008.", EventName = "ResumeBufferFull")]
    public static partial void ResumeBufferFull(ILogger logger, int maxBytes);

    [LoggerMessage(65, LogLevel.Information, "Session of another node recovered: the groups joined are replayed from {Since:O}.", EventName = "SessionRecovered")]
    public static partial void SessionRecovered(ILogger logger, DateTimeOffset since);

    [LoggerMessage(66, LogLevel.Information, "Session of another node not recovered ({Reason}); the client gets a fresh session.", EventName = "RecoveryRefused")]
    public static partial void RecoveryRefused(ILogger logger, string reason);

    [LoggerMessage(67, LogLevel.Debug, "Group {Group} replayed to a recovered session: {Count} messages the client had not seen.", EventName = "GroupReplayed")]
    public static partial void GroupReplayed(ILogger logger, string group, int count);

    [LoggerMessage(68, LogLevel.Warning, "Group {Group} could not be replayed to a recovered session; its live messages follow without what it missed.", EventName = "GroupReplayFailed")]
    public static partial void GroupReplayFailed(ILogger logger, string group, Exception exception);
}
