using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>
/// The generic model actions that touch one object ask the consumer's object permissions about the model (DCRF's
/// <c>get_object</c>): denied → 403 and nothing changes. Over real sockets, on SQLite.
/// </summary>
[TestFixture]
public sealed class ObjectPermissionTests
{
    private string _directory = null!;
    private TestHost _host = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = Directory.CreateTempSubdirectory("consumers-objects-").FullName;
        var database = Path.Combine(_directory, "chat.db");
        _host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<SharedRoomConsumer>("/ws/shared");
                app.MapConsumer<LiveRoomConsumer>("/ws/live");
            },
            services: services =>
            {
                services
                    .AddModelSerializer(new RoomSerializer())
                    .AddDbContext<ChatDb>((sp, o) => o.UseSqlite($"Data Source={database}").AddModelObservers(sp));
                services.AddTestJwtBearer();
            });
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChatDb>().Database.EnsureCreatedAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task ReadOnlyUser_CannotPatchUpdateOrDeleteAnothersRow_ButMayReadIt()
    {
        var pk = await SeedAsync("Ann's", owner: "ann");
        await using var bob = await ConnectAsync("/ws/shared", "bob");
        var patch = await bob.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "Bob's now"}}""");
        var update = await bob.RequestAsync($$$"""{"action": "update", "pk": {{{pk}}}, "data": {"pk": {{{pk}}}, "name": "Bob's now", "capacity": 10}}""");
        var delete = await bob.RequestAsync($$$"""{"action": "delete", "pk": {{{pk}}}}""");
        var retrieve = await bob.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}}""");
        Assert.Multiple(async () =>
        {
            Assert.That(patch["response_status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(patch["errors"]![0]!.GetValue<string>(), Is.EqualTo("You do not have permission to perform this action."));
            Assert.That(update["response_status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(delete["response_status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(retrieve["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(await NameAsync(pk), Is.EqualTo("Ann's"), "nothing of the refused requests was saved");
        });
    }

    [Test]
    public async Task Owner_MayPatchTheirRow()
    {
        var pk = await SeedAsync("Ann's", owner: "ann");
        await using var ann = await ConnectAsync("/ws/shared", "ann");
        var patch = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "Ann's hall"}}""");
        Assert.Multiple(async () =>
        {
            Assert.That(patch["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(await NameAsync(pk), Is.EqualTo("Ann's hall"));
        });
    }

    [Test]
    public async Task NotPermission_RefusesTheObjectsItsOperandAllows_OnEveryOneObjectAction()
    {
        var archived = await SeedAsync("Archived 2025", owner: "ann");
        var live = await SeedAsync("Lobby", owner: "ann");
        await using var ann = await ConnectAsync("/ws/live", "ann");
        var statuses = new Dictionary<string, int>();
        foreach (var request in new[]
        {
            $$$"""{"action": "retrieve", "pk": {{{archived}}}}""",
            $$$"""{"action": "subscribe_instance", "pk": {{{archived}}}, "request_id": "s"}""",
            $$$"""{"action": "patch", "pk": {{{archived}}}, "data": {"name": "Lobby 2"}}""",
            $$$"""{"action": "update", "pk": {{{archived}}}, "data": {"pk": 0, "name": "Lobby 2", "capacity": 3}}""",
            $$$"""{"action": "delete", "pk": {{{archived}}}}""",
        })
        {
            var reply = await ann.RequestAsync(request);
            statuses[reply["action"]!.GetValue<string>()] = reply["response_status"]!.GetValue<int>();
        }

        var allowed = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{live}}}, "data": {"name": "Hall"}}""");
        Assert.Multiple(async () =>
        {
            Assert.That(statuses, Is.EquivalentTo(new Dictionary<string, int>
            {
                ["retrieve"] = 403, ["subscribe_instance"] = 403, ["patch"] = 403, ["update"] = 403, ["delete"] = 403,
            }));
            Assert.That(allowed["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(await NameAsync(archived), Is.EqualTo("Archived 2025"));
        });
    }

    [Test]
    public async Task AnonymousUser_Denied_Gets401()
    {
        var pk = await SeedAsync("Ann's", owner: "ann");
        await using var anonymous = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/shared"));
        var patch = await anonymous.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "x"}}""");
        Assert.That(patch["response_status"]!.GetValue<int>(), Is.EqualTo(401));
    }

    private Task<TestClient> ConnectAsync(string path, string user) => TestClient.ConnectAsync(_host.WebSocketUri(path + "?access_token=" + TestJwt.Issue(user)));

    private async Task<int> SeedAsync(string name, string owner)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var room = new Room { Name = name, Owner = owner, Capacity = 10 };
        db.Rooms.Add(room);
        await db.SaveChangesAsync();
        return room.Id;
    }

    private async Task<string?> NameAsync(int pk)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ChatDb>().Rooms.AsNoTracking().SingleOrDefaultAsync(r => r.Id == pk))?.Name;
    }
}
