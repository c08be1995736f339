using Consumers.Tests.Databases;
using System.Text.Json.Nodes;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Observers.Tests;

/// <summary>
/// DCRF's generic model actions over EF Core (SQLite, and PostgreSQL), every status code, over real sockets; the actions that touch one
/// object ask the consumer's object permissions about the model (DCRF's <c>get_object</c>): denied → 403, nothing changes.
/// </summary>
[TestFixture(DatabaseKind.Sqlite)]
[TestFixture(DatabaseKind.PostgreSql)]
public sealed class ModelActionTests(DatabaseKind kind)
{
    private TestDatabase _database = null!;
    private TestHost _host = null!;
    private CommandLog _commands = null!;

    [SetUp]
    public async Task Start()
    {
        var database = _database = await TestDatabase.CreateAsync(kind, "models");
        _commands = new CommandLog();
        _host = await TestHost.StartAsync(
            app =>
            {
                app.MapConsumer<RoomConsumer>("/ws/rooms");
                app.MapConsumer<RoomDirectoryConsumer>("/ws/directory");
                app.MapConsumer<SharedRoomConsumer>("/ws/shared");
                app.MapConsumer<LiveRoomConsumer>("/ws/live");
                app.MapConsumer<SubqueryRoomConsumer>("/ws/subquery");
            },
            services: services =>
            {
                services
                    .AddModelSerializer(new RoomSerializer())
                    .AddDbContext<ChatDb>((sp, o) => database.Use(o).AddModelObservers(sp).AddInterceptors(_commands));
                services.AddTestJwtBearer();
            });
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChatDb>().Database.EnsureCreatedAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Create_Replies201_WithThePk()
    {
        await using var ann = await ConnectAsync("ann");
        var reply = await ann.RequestAsync("""{"action": "create", "data": {"pk": 0, "name": "Lobby", "capacity": 10}, "request_id": 1}""");
        Assert.That(reply.ToJsonString(), Is.EqualTo("""{"errors":[],"data":{"pk":1,"name":"Lobby","capacity":10},"action":"create","response_status":201,"request_id":1}"""));
    }

    [Test]
    public async Task Retrieve_Replies200_OrNotFound404()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var found = await ann.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}}""");
        var missing = await ann.RequestAsync("""{"action": "retrieve", "pk": 999}""");
        Assert.Multiple(() =>
        {
            Assert.That(found["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(found["data"]!["name"]!.GetValue<string>(), Is.EqualTo("Lobby"));
            Assert.That(missing["response_status"]!.GetValue<int>(), Is.EqualTo(404));
            Assert.That(missing["errors"]!.ToJsonString(), Is.EqualTo("""["Not found"]"""));
        });
    }

    [Test]
    public async Task List_RepliesAnArray()
    {
        await using var ann = await ConnectAsync("ann");
        await CreateAsync(ann, "a");
        await CreateAsync(ann, "b");
        var reply = await ann.RequestAsync("""{"action": "list"}""");
        Assert.That(reply["data"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Update_ReplacesTheObject_Patch_ChangesOnlyTheSentFields()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var updated = await ann.RequestAsync($$$"""{"action": "update", "pk": {{{pk}}}, "data": {"pk": {{{pk}}}, "name": "Hall", "capacity": 30}}""");
        var patched = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"capacity": 40}}""");
        Assert.Multiple(() =>
        {
            Assert.That(updated["response_status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(updated["data"]!.ToJsonString(), Is.EqualTo($$$"""{"pk":{{{pk}}},"name":"Hall","capacity":30}"""));
            Assert.That(patched["data"]!.ToJsonString(), Is.EqualTo($$$"""{"pk":{{{pk}}},"name":"Hall","capacity":40}"""));
        });
    }

    [Test]
    public async Task Delete_Replies204_ThenTheObjectIsGone()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var deleted = await ann.RequestAsync($$$"""{"action": "delete", "pk": {{{pk}}}}""");
        var again = await ann.RequestAsync($$$"""{"action": "delete", "pk": {{{pk}}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(deleted["response_status"]!.GetValue<int>(), Is.EqualTo(204));
            Assert.That(deleted["data"], Is.Null);
            Assert.That(again["response_status"]!.GetValue<int>(), Is.EqualTo(404));
        });
    }

    [Test]
    public async Task InvalidData_Replies400_WithFieldErrorsUnderWireNames()
    {
        await using var ann = await ConnectAsync("ann");
        var reply = await ann.RequestAsync("""{"action": "create", "data": {"pk": 0, "name": "", "capacity": 0}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(reply["errors"]![0]!["name"]![0]!.GetValue<string>(), Is.EqualTo("This field may not be blank."));
            Assert.That(reply["errors"]![0]!["capacity"], Is.Not.Null);
        });
    }

    [Test]
    public async Task PatchThatBreaksValidation_Replies400_AndChangesNothing()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var reply = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "a name that is far too long for a room"}}""");
        var after = await ann.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(after["data"]!["name"]!.GetValue<string>(), Is.EqualTo("Lobby"));
        });
    }

    [Test]
    public async Task PatchWithWrongTypes_Replies400()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var reply = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"capacity": "many"}}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400));
        Assert.That(reply["errors"]!.ToJsonString(), Does.Contain("data"));
    }

    [Test]
    public async Task PatchWithDataThatIsNotAnObject_Replies400()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Lobby");
        var reply = await ann.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": [1, 2]}""");
        Assert.That(reply["errors"]!.ToJsonString(), Is.EqualTo("""[{"data":["Expected a JSON object."]}]"""));
    }

    [Test]
    public async Task PerUserQueryable_HidesOtherUsersRows()
    {
        await using var ann = await ConnectAsync("ann");
        await using var bob = await ConnectAsync("bob");
        var pk = await CreateAsync(ann, "Ann's");
        var retrieve = await bob.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}}""");
        var delete = await bob.RequestAsync($$$"""{"action": "delete", "pk": {{{pk}}}}""");
        var list = await bob.RequestAsync("""{"action": "list"}""");
        Assert.Multiple(() =>
        {
            Assert.That(retrieve["response_status"]!.GetValue<int>(), Is.EqualTo(404));
            Assert.That(delete["response_status"]!.GetValue<int>(), Is.EqualTo(404));
            Assert.That(list["data"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public async Task Pagination_RepliesCountResultsLimitOffset()
    {
        await using var ann = await ConnectAsync("ann");
        foreach (var name in new[] { "a", "b", "c" })
        {
            await CreateAsync(ann, name);
        }

        await using var directory = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/directory?user=ann"));
        var first = await directory.RequestAsync("""{"action": "list"}""");
        var second = await directory.RequestAsync("""{"action": "list", "limit": 2, "offset": 2}""");
        Assert.Multiple(() =>
        {
            Assert.That(first["data"]!.ToJsonString(), Does.StartWith("""{"count":3,"results":[{"pk":1,"name":"a","capacity":10},{"pk":2,"name":"b","capacity":10}],"limit":2,"offset":0"""));
            Assert.That(second["data"]!["results"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "c" }));
        });
    }

    [Test]
    public async Task ActionsLeftOut_Reply405()
    {
        await using var directory = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/directory?user=ann"));
        var reply = await directory.RequestAsync("""{"action": "create", "data": {"pk": 0, "name": "x", "capacity": 1}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(405));
            Assert.That(reply["errors"]![0]!.GetValue<string>(), Is.EqualTo("Method \"create\" not allowed."));
        });
    }

    [Test]
    public async Task SubscribeInstance_Replies201_ThenPushesUpdatesAndTheDeletion()
    {
        await using var watcher = await ConnectAsync("ann");
        await using var editor = await ConnectAsync("ann");
        var pk = await CreateAsync(editor, "Lobby");
        var subscribed = await watcher.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}""");
        Assert.That(subscribed["response_status"]!.GetValue<int>(), Is.EqualTo(201));

        await editor.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "Hall"}}""");
        var update = await watcher.ReceiveAsync();
        await editor.RequestAsync($$$"""{"action": "delete", "pk": {{{pk}}}}""");
        var delete = await watcher.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(update.ToJsonString(), Is.EqualTo($$$"""{"errors":[],"data":{"pk":{{{pk}}},"name":"Hall","capacity":10},"action":"update","response_status":200,"request_id":"sub"}"""));
            Assert.That(delete.ToJsonString(), Is.EqualTo($$$"""{"errors":[],"data":{"pk":{{{pk}}}},"action":"delete","response_status":204,"request_id":"sub"}"""));
        });
    }

    [Test]
    public async Task SubscribeInstance_AfterAccessIsRevoked_NoMoreUpdatesArrive()
    {
        await using var ann = await ConnectAsync("ann");
        await using var bob = await ConnectAsync("bob");
        var pk = await CreateAsync(ann, "Shared");
        var subscribed = await ann.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}""");
        Assert.That(subscribed["response_status"]!.GetValue<int>(), Is.EqualTo(201));

        // The room changes hands: it leaves ann's queryable (retrieve answers 404 from now on).
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
            var room = await db.Rooms.SingleAsync(r => r.Id == pk);
            room.Owner = "bob";
            await db.SaveChangesAsync();
        }

        var patched = await bob.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "Bob's now"}}""");
        Assert.That(patched["response_status"]!.GetValue<int>(), Is.EqualTo(200));

        // Neither the transfer nor bob's edit reaches ann: the next frame she gets is the reply to her next request.
        var retrieve = await ann.RequestAsync($$$"""{"action": "retrieve", "pk": {{{pk}}}, "request_id": "r"}""");
        Assert.Multiple(() =>
        {
            Assert.That(retrieve["request_id"]!.GetValue<string>(), Is.EqualTo("r"), retrieve.ToJsonString());
            Assert.That(retrieve["response_status"]!.GetValue<int>(), Is.EqualTo(404));
        });
    }

    [Test]
    public async Task SubscribeInstance_WhileAccessLasts_UpdatesArrive_CheckedWithTheModel()
    {
        await using var ann = await ConnectAsync("ann");
        var pk = await CreateAsync(ann, "Mine");
        await ann.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}""");
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
            (await db.Rooms.SingleAsync(r => r.Id == pk)).Capacity = 3;
            await db.SaveChangesAsync();
        }

        var update = await ann.ReceiveAsync();
        Assert.That(update["data"]!["capacity"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task SubscribeInstance_ChangeForFiveSubscribers_IsRecheckedInTwoQueries_AndReachesOnlyThoseWhoStillSeeTheRow()
    {
        // Two of ann's connections subscribe; the room then goes to carol, whose three connections subscribe too.
        await using var ann1 = await ConnectAsync("ann");
        await using var ann2 = await ConnectAsync("ann");
        var pk = await CreateAsync(ann1, "Moving");
        foreach (var ann in new[] { ann1, ann2 })
        {
            Assert.That((await ann.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(201));
        }

        await ChangeRoomAsync(pk, room => room.Owner = "carol");
        foreach (var ann in new[] { ann1, ann2 })
        {
            // The transfer's own re-check (nothing for ann) runs before this reply.
            var probe = await ann.RequestAsync("""{"action": "unsubscribe_instance", "pk": 999, "request_id": "probe"}""");
            Assert.That(probe["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "ann no longer sees the room");
        }

        var carols = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            carols.Add(await ConnectAsync("carol"));
            Assert.That((await carols[i].RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(201));
        }

        // One change, five subscribers of one consumer type: the re-check asks all five queryables in one query.
        var before = _commands.Commands.Count;
        await ChangeRoomAsync(pk, room => room.Capacity = 7);
        foreach (var carol in carols)
        {
            var update = await carol.ReceiveAsync();
            Assert.That(update["data"]!["capacity"]!.GetValue<int>(), Is.EqualTo(7));
        }

        foreach (var ann in new[] { ann1, ann2 })
        {
            // Unsubscribing answers without a query: the next frame shows whether a notification came first.
            var probe = await ann.RequestAsync("""{"action": "unsubscribe_instance", "pk": 999, "request_id": "probe"}""");
            Assert.That(probe["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "ann no longer sees the room");
        }

        // The test's own load and save, then the re-check's two queries (they may start before the save returns: the
        // notification is published when the transaction commits).
        var sent = _commands.Commands.Skip(before).ToList();
        Assert.That(sent, Has.Count.EqualTo(4), string.Join("\n---\n", sent));
        Assert.That(sent.Count(c => c.Contains("UNION ALL", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n---\n", sent));
        foreach (var carol in carols)
        {
            await carol.DisposeAsync();
        }
    }

    [Test]
    public async Task SubscribeInstance_QueryableThatCannotBeBatched_IsRecheckedPerSubscriber()
    {
        var subscribers = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            subscribers.Add(await TestClient.ConnectAsync(_host.WebSocketUri("/ws/subquery")));
        }

        var pk = await CreateAsync(subscribers[0], "Sub");
        foreach (var subscriber in subscribers)
        {
            Assert.That((await subscriber.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}"""))["response_status"]!.GetValue<int>(), Is.EqualTo(201));
        }

        var before = _commands.Commands.Count;
        await ChangeRoomAsync(pk, room => room.Capacity = 5);
        foreach (var subscriber in subscribers)
        {
            Assert.That((await subscriber.ReceiveAsync())["data"]!["capacity"]!.GetValue<int>(), Is.EqualTo(5));
            await subscriber.DisposeAsync();
        }

        // The batch leaves these queryables alone (each reaches its own context in a subquery, which EF Core would
        // evaluate there): each subscriber asks with its own query on its own context, nothing is combined.
        var sent = _commands.Commands.Skip(before).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sent.Count(c => c.Contains("COUNT(*)", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(3), string.Join("\n---\n", sent));
            Assert.That(sent.Count(c => c.Contains("UNION ALL", StringComparison.Ordinal)), Is.Zero, string.Join("\n---\n", sent));
        });
    }

    private async Task ChangeRoomAsync(int pk, Action<Room> change)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        change(await db.Rooms.SingleAsync(r => r.Id == pk));
        await db.SaveChangesAsync();
    }

    [Test]
    public async Task SubscribeInstance_OfAMissingObject_Replies404()
    {
        await using var watcher = await ConnectAsync("ann");
        var reply = await watcher.RequestAsync("""{"action": "subscribe_instance", "pk": 404, "request_id": "sub"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(404));
    }

    [Test]
    public async Task UnsubscribeInstance_Replies204_AndStopsTheNotifications()
    {
        await using var watcher = await ConnectAsync("ann");
        await using var editor = await ConnectAsync("ann");
        var pk = await CreateAsync(editor, "Lobby");
        await watcher.RequestAsync($$$"""{"action": "subscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}""");
        var reply = await watcher.RequestAsync($$$"""{"action": "unsubscribe_instance", "pk": {{{pk}}}, "request_id": "sub"}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(204));

        await editor.RequestAsync($$$"""{"action": "patch", "pk": {{{pk}}}, "data": {"name": "Hall"}}""");
        var next = await watcher.RequestAsync("""{"action": "list", "request_id": "probe"}""");
        Assert.That(next["request_id"]!.GetValue<string>(), Is.EqualTo("probe"), "no notification after unsubscribing");
    }

    [Test]
    public async Task ReadOnlyUser_CannotPatchUpdateOrDeleteAnothersRow_ButMayReadIt()
    {
        var pk = await SeedAsync("Ann's", owner: "ann");
        await using var bob = await ConnectAsAsync("/ws/shared", "bob");
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
        await using var ann = await ConnectAsAsync("/ws/shared", "ann");
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
        await using var ann = await ConnectAsAsync("/ws/live", "ann");
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

    private Task<TestClient> ConnectAsync(string user) => TestClient.ConnectAsync(_host.WebSocketUri("/ws/rooms?user=" + user));

    private static async Task<int> CreateAsync(TestClient client, string name)
    {
        var reply = await client.RequestAsync($$$"""{"action": "create", "data": {"pk": 0, "name": "{{{name}}}", "capacity": 10}}""");
        Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(201), reply.ToJsonString());
        return reply["data"]!["pk"]!.GetValue<int>();
    }

    private Task<TestClient> ConnectAsAsync(string path, string user) => TestClient.ConnectAsync(_host.WebSocketUri(path + "?access_token=" + TestJwt.Issue(user)));

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
