using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Consumers;

namespace Consumers.Tests.Consumers;

public sealed record Greeting(string Text, int Count);

public sealed record CreateRoom(string Name, int? Capacity);

public sealed record RoomDto(int Pk, string Name, int Capacity);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(CreateRoom))]
[JsonSerializable(typeof(RoomDto))]
[JsonSerializable(typeof(List<RoomDto>))]
public sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>A consumer exercising every return shape and parameter kind.</summary>
[JsonContext(typeof(TestJsonContext))]
public sealed partial class EchoConsumer(Counter counter) : Consumer
{
    [Action]
    public int Add(int a, int b) => a + b;

    [Action]
    public string Echo(string text, int repeat = 1) => string.Concat(Enumerable.Repeat(text, repeat));

    [Action]
    public async Task<Greeting> GreetAsync(string name, int? times, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return new Greeting($"Hello, {name}!", times ?? 1);
    }

    [Action]
    public ValueTask<long> Increment() => ValueTask.FromResult(counter.Next());

    [Action]
    public void Nothing()
    {
    }

    [Action]
    public Task Delay(int milliseconds) => Task.Delay(milliseconds);

    [Action]
    public ActionResult<RoomDto> Create(CreateRoom data)
        => data.Name.Length == 0
            ? ActionResult.BadRequest("name", "This field may not be blank.")
            : ActionResult<RoomDto>.Created(new RoomDto(7, data.Name, data.Capacity ?? 10));

    [Action]
    public async Task<ActionResult<RoomDto>> Retrieve(int pk)
    {
        await Task.Yield();
        return pk == 7 ? new RoomDto(7, "Lobby", 10) : ActionResult.NotFound();
    }

    [Action]
    public ActionResult Delete(int pk) => pk == 7 ? ActionResult.NoContent() : ActionResult.NotFound();

    [Action]
    public List<RoomDto> List() => [new RoomDto(1, "a", 2), new RoomDto(2, "b", 3)];

    [Action("who_am_i")]
    public string? WhoAmI(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    [Action]
    public JsonElement RequestInfo(RequestContext request)
        => JsonSerializer.SerializeToElement(
            new Greeting(request.Action, request.RequestId?.ValueKind == JsonValueKind.Number ? request.RequestId.Value.GetInt32() : -1),
            TestJsonContext.Default.Greeting);

    [Action]
    public void Crash() => throw new InvalidOperationException("secret internal detail");

    [Action]
    public Task CrashLater() => Task.FromException(new InvalidOperationException("secret internal detail"));

    [Action]
    public void Forbidden() => throw ActionException.PermissionDenied();

    [Action]
    public ActionResult Secret() => ActionResult.Unauthorized();

    [Action]
    public bool Flags(bool flag, Guid id, DateTimeOffset at, double ratio, decimal price, string? note = null)
        => flag && id != Guid.Empty && at.Year > 2000 && ratio > 0 && price > 0 && note is null;
}

/// <summary>A scoped service, to show constructor injection from the connection's scope.</summary>
public sealed class Counter
{
    private long _value;

    public long Next() => Interlocked.Increment(ref _value);
}
