using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Consumers.Benchmarks.Fanout;

namespace Consumers.Benchmarks.Resume;

/// <summary>
/// Resume latency against the fan-out server process: a client of <c>consumers.resume</c> joins a room, its TCP
/// connection is reset, one message is sent to the room, and the client comes back with its token; the time from its
/// socket being up (the 101 read) to the first replayed frame, one sample per client.
/// </summary>
internal static class ResumeLatency
{
    public static async Task<List<double>> MeasureAsync(int samples, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(FanoutTarget.Consumers, pinning: null, cancellationToken).ConfigureAwait(false);
        var sender = await RawWebSocket.ConnectAsync(server.Port, "/ws", null, cancellationToken).ConfigureAwait(false);
        await using (sender.ConfigureAwait(false))
        {
            sender.StartReceiving(static _ => { });
            var micros = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                var room = "resume" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (first, firstFrames) = await OpenAsync(server.Port, "/ws", cancellationToken).ConfigureAwait(false);
                var token = ReadToken(await firstFrames.ReadAsync(cancellationToken).ConfigureAwait(false));
                await first.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"action\":\"join\",\"room\":\"{room}\"}}"), cancellationToken).ConfigureAwait(false);
                await firstFrames.ReadAsync(cancellationToken).ConfigureAwait(false); // the join's reply: frame 1
                first.Reset();
                await first.DisposeAsync().ConfigureAwait(false);
                await sender.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"action\":\"broadcast\",\"room\":\"{room}\",\"text\":\"missed\"}}"), cancellationToken).ConfigureAwait(false);

                var path = "/ws?consumers_resume=" + Uri.EscapeDataString(token) + "&consumers_seq=1";
                var (again, frames) = await OpenAsync(server.Port, path, cancellationToken).ConfigureAwait(false);
                var up = Stopwatch.GetTimestamp();
                var answer = await frames.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!answer.Contains("\"resumed\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("The server did not resume the session: " + answer);
                }

                var replayed = await frames.ReadAsync(cancellationToken).ConfigureAwait(false);
                var arrived = Stopwatch.GetTimestamp();
                if (!replayed.Contains("missed", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("The first replayed frame is not the missed message: " + replayed);
                }

                micros.Add((arrived - up) * 1e6 / Stopwatch.Frequency);
                await again.DisposeAsync().ConfigureAwait(false);
            }

            return micros;
        }
    }

    private static async Task<(RawWebSocket Socket, ChannelReader<string> Frames)> OpenAsync(int port, string path, CancellationToken cancellationToken)
    {
        var socket = await RawWebSocket.ConnectAsync(port, path, LoadClient.ResumeSubprotocol, cancellationToken).ConfigureAwait(false);
        if (socket.Subprotocol != LoadClient.ResumeSubprotocol)
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("The server did not select " + LoadClient.ResumeSubprotocol + ".");
        }

        var frames = Channel.CreateUnbounded<string>();
        socket.StartReceiving(message => frames.Writer.TryWrite(Encoding.UTF8.GetString(message)));
        return (socket, frames.Reader);
    }

    private static string ReadToken(string resumeFrame)
    {
        using var document = JsonDocument.Parse(resumeFrame);
        return document.RootElement.GetProperty("token").GetString()!;
    }
}
