using System.Text.Json;
using Consumers.Testing.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>
/// Typed reads with a context that has no naming policy: the data is read under the wire's snake_case names, as
/// the runtime wrote it, and a reply that lacks what the type needs fails naming it instead of reading as defaults.
/// </summary>
[TestFixture]
public sealed class WireNameReadTests : KitFixture
{
    [Test]
    public async Task ReceiveAsyncOfT_WithAPolicylessContext_ReadsTheSnakeCaseReply()
    {
        await using var c = await Host.ConnectAsync("/ws/plain-names");
        await c.SendAsync("""{"action": "get", "id": 5}""");

        var task = await c.ReceiveAsync(PlainNamesJson.Default.TaskItem);

        Assert.That(task, Is.EqualTo(new TaskItem(5, 7, "Milk")));
    }

    [Test]
    public async Task RequestAsync_ThenDataAs_WithAPolicylessContext_ReadsTheSnakeCaseReply()
    {
        await using var c = await Host.ConnectAsync("/ws/plain-names");

        var reply = await c.RequestAsync("""{"action": "get", "id": 6, "request_id": 1}""");

        Assert.Multiple(() =>
        {
            Assert.That(reply.RawJson, Does.Contain("\"list_id\":7"), "the wire is snake_case");
            Assert.That(reply.DataAs(PlainNamesJson.Default.TaskItem), Is.EqualTo(new TaskItem(6, 7, "Milk")));
        });
    }

    [Test]
    public async Task ReceiveNotificationAsync_WithAPolicylessContext_ReadsTheSnakeCaseData()
    {
        await using var c = await Host.ConnectAsync("/ws/plain-names");
        await c.SendAsync("""{"action": "push", "tag": "t", "request_id": 1}""");

        var pushed = await c.ReceiveNotificationAsync("t", PlainNamesJson.Default.TaskItem);

        Assert.That(pushed.Data, Is.EqualTo(new TaskItem(3, 7, "Eggs")));
    }

    [Test]
    public async Task TypedRead_OfAReplyMissingARequiredMember_FailsNamingIt()
    {
        await using var c = await Host.ConnectAsync("/ws/plain-names");
        await c.SendAsync("""{"action": "key", "id": 5}""");

        var error = Assert.ThrowsAsync<JsonException>(() => c.ReceiveAsync(PlainNamesJson.Default.TaskItem));

        Assert.That(error!.Message, Does.Contain("'title'"));
    }

    [Test]
    public async Task TypedRead_OfAnObjectWithNoneOfTheTypesMembers_FailsListingBoth()
    {
        await using var c = await Host.ConnectAsync("/ws/plain-names");

        var reply = await c.RequestAsync("""{"action": "get", "id": 5, "request_id": 1}""");

        var error = Assert.Throws<JsonException>(() => reply.DataAs(PlainNamesJson.Default.Counter));
        Assert.That(error!.Message, Does.Contain("\"id\", \"list_id\", \"title\"").And.Contain("\"count\", \"total\"").And.Contain("Consumers.Testing.Tests.Counter"));
    }

    [Test]
    public void TypedRead_OfDataUnderTheContextsOwnNames_FailsInsteadOfReadingDefaults()
    {
        // Data written with the policy-less context's own names (as a KeepContextPropertyNames consumer sends it).
        using var document = JsonDocument.Parse("""{"Count": 1, "Total": 2}""");

        var error = Assert.Throws<JsonException>(() => Communication.WireData.Read(document.RootElement, PlainNamesJson.Default.Counter));

        Assert.That(error!.Message, Does.Contain("\"Count\", \"Total\"").And.Contain("(\"count\", \"total\")"));
    }
}
