using System.Text.Json.Serialization;

namespace Consumers.Testing.Tests;

public sealed record TaskItem(int Id, int ListId, string Title);

public sealed record TaskKey(int Id, int ListId);

public sealed record Counter(int Count, int Total);

public sealed record TaskFrame(string[] Errors, TaskItem Data, string Action, int ResponseStatus, string RequestId);

/// <summary>A context with no naming policy: its own names are the C# ones (<c>ListId</c>), the wire's are snake_case.</summary>
[JsonSerializable(typeof(TaskItem))]
[JsonSerializable(typeof(TaskKey))]
[JsonSerializable(typeof(Counter))]
[JsonSerializable(typeof(TaskFrame))]
public sealed partial class PlainNamesJson : JsonSerializerContext;

/// <summary>Replies and pushes DTOs of a policy-less context, for the kit's typed reads.</summary>
[JsonContext(typeof(PlainNamesJson))]
public sealed partial class PlainNamesConsumer : Consumer
{
    [Action]
    public TaskItem Get(int id) => new(id, 7, "Milk");

    /// <summary>A reply without the <c>title</c> a <see cref="TaskItem"/> requires.</summary>
    [Action]
    public TaskKey Key(int id) => new(id, 7);

    /// <summary>Pushes one DCRF-shaped update frame with request_id <paramref name="tag"/>.</summary>
    [Action]
    public void Push(string tag) => Send(new TaskFrame([], new TaskItem(3, 7, "Eggs"), "update", 200, tag), PlainNamesJson.Default.TaskFrame);
}
