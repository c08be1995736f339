using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests.Resume;

/// <summary>
/// The generated JavaScript client's resume in Node against a real Kestrel host (tests/js/drive-resume.mjs): a socket
/// cut while group messages flow is resumed on its own, every message once and in order, the same consumer; calls
/// made while disconnected wait within their bound; <c>resume: false</c> opts out.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NodeClientResumeTests
{
    [Test]
    public async Task NodeScript_ResumesAfterADrop_WithEveryMessageOnceInOrder()
    {
        await using var host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<RoomConsumer>("/ws/rooms/{room}");
                app.MapConsumersClient();
            },
            o => o.RateLimitPerSecond = 0);

        var (code, output) = await NodeScripts.RunAsync("drive-resume.mjs", host.BaseUri.ToString().TrimEnd('/'));

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("a first drop before $resume rejects"));
    }
}
