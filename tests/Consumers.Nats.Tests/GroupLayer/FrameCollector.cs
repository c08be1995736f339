using System.Text.Json.Nodes;
using Consumers.Tests.Infrastructure;

namespace Consumers.Nats.Tests.GroupLayer;

/// <summary>
/// Reads every frame a client gets, as a reading browser would, into <see cref="Frames"/>, until the socket ends;
/// <see cref="Ended"/> then says how (the server's close status, or the error).
/// </summary>
internal sealed class FrameCollector
{
    private readonly List<JsonObject> _frames = [];

    /// <param name="client">The client to read.</param>
    /// <param name="perFrame">How long the reader takes over each frame (a slow device); zero for none.</param>
    public FrameCollector(TestClient client, TimeSpan perFrame = default) => _ = Task.Run(() => ReadAsync(client, perFrame));

    /// <summary>How the socket ended, or null while it is open.</summary>
    public string? Ended { get; private set; }

    public JsonObject[] Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>The <c>text</c> of the group messages (frames with <c>from</c> and <c>text</c>) received so far, in order.</summary>
    public string[] Texts => [.. Frames.Where(f => f["text"] is not null && f["from"] is not null).Select(f => f["text"]!.GetValue<string>())];

    /// <summary>The action replies (frames with <c>response_status</c>) received so far.</summary>
    public JsonObject[] Replies => [.. Frames.Where(f => f["response_status"] is not null)];

    private async Task ReadAsync(TestClient client, TimeSpan perFrame)
    {
        try
        {
            while (true)
            {
                var frame = await client.ReceiveAsync(TimeSpan.FromMinutes(5));
                lock (_frames)
                {
                    _frames.Add(frame);
                }

                if (perFrame > TimeSpan.Zero)
                {
                    await Task.Delay(perFrame);
                }
            }
        }
        catch (Exception ex)
        {
            Ended = ex.Message;
        }
    }
}
