using System.IO.Pipelines;

namespace Consumers.Tests.Writer;

/// <summary>
/// Two ends of an in-memory byte connection (two <see cref="Pipe"/>s): what one end writes, the other reads. Each
/// direction holds at most <c>pauseBytes</c> unread bytes; past that a write waits until the other end reads, as a
/// socket whose peer stops reading does.
/// </summary>
internal static class InMemoryDuplex
{
    /// <param name="pauseBytes">Unread bytes a direction holds before its writes wait.</param>
    /// <param name="slowServerWrites">Whether every write of the server end completes asynchronously (see <see cref="RecordingStream"/>).</param>
    public static (RecordingStream Server, RecordingStream Client) Create(long pauseBytes = 64 * 1024, bool slowServerWrites = false)
    {
        var options = new PipeOptions(pauseWriterThreshold: pauseBytes, resumeWriterThreshold: pauseBytes / 2, useSynchronizationContext: false);
        var toClient = new Pipe(options);
        var toServer = new Pipe(options);
        return (
            new RecordingStream(toServer.Reader, toClient.Writer, slowServerWrites),
            new RecordingStream(toClient.Reader, toServer.Writer, slowWrites: false));
    }
}
