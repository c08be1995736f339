using System.Text.Json.Serialization;
using Consumers;
using Consumers.Security;
using Microsoft.EntityFrameworkCore;

[assembly: JsonContext(typeof(ConsumersApp.TodoJson))]

namespace ConsumersApp;

/// <summary>A new item's fields.</summary>
public sealed record AddTodo(string Title);

/// <summary>An item as clients see it.</summary>
public sealed record TodoDto(int Id, int ListId, string Title, bool Done);

// Source-generated JSON metadata (Native AOT ready). On the wire the names are snake_case (list_id) whatever the
// context's naming policy.
[JsonSerializable(typeof(AddTodo))]
[JsonSerializable(typeof(TodoDto))]
[JsonSerializable(typeof(TodoDto[]))]
public sealed partial class TodoJson : JsonSerializerContext;

/// <summary>The to-do lists: add and toggle items, watch a list's changes.</summary>
public sealed partial class TodoConsumer(TodoDb db) : Consumer
{
    /// <summary>The items of a list, oldest first.</summary>
    [Action]
    public async Task<TodoDto[]> ListAsync(int listId, CancellationToken cancellationToken)
        => (await db.Items.Where(i => i.ListId == listId).OrderBy(i => i.Id).ToListAsync(cancellationToken)).Select(ToDto).ToArray();

    /// <summary>Adds an item to a list; 400 for an empty title.</summary>
    // {"action": "add", "list_id": 1, "data": {"title": "Milk"}, "request_id": 1}
    [Action]
    public async Task<ActionResult<TodoDto>> AddAsync(int listId, AddTodo data, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(data.Title))
        {
            return ActionResult.BadRequest("title", "Give the item a title.");
        }

        var item = new TodoItem { ListId = listId, Title = data.Title.Trim() };
        db.Items.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(item);
    }

    /// <summary>Marks an item done or not done; 404 for an unknown id.</summary>
    [Action]
    public async Task<ActionResult<TodoDto>> ToggleAsync(int id, CancellationToken cancellationToken)
    {
        var item = await db.Items.FindAsync([id], cancellationToken);
        if (item is null)
        {
            return ActionResult.NotFound();
        }

        item.Done = !item.Done;
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(item);
    }

    /// <summary>Removes every item of a list: signed-in users only (anonymous: 401, the connection stays open).</summary>
    [Action, Permission(typeof(IsAuthenticated))]
    public async Task<int> ClearAsync(int listId, CancellationToken cancellationToken)
    {
        var items = await db.Items.Where(i => i.ListId == listId).ToListAsync(cancellationToken);
        db.Items.RemoveRange(items);
        await db.SaveChangesAsync(cancellationToken);
        return items.Count;
    }

    /// <summary>An item that changed, sent to everyone watching its list.</summary>
    [ModelObserver<TodoItem>(Group = "list:{ListId}")]
    private static TodoDto ItemChanges(TodoItem item) => ToDto(item);

    /// <summary>Replies first, then sends every change of the list with this request's request_id.</summary>
    [Action]
    public ValueTask Watch(int listId, RequestContext request, CancellationToken cancellationToken)
        => SubscribeItemChangesAsync(listId, request, cancellationToken);

    /// <summary>Stops the changes of a list for this request.</summary>
    [Action]
    public ValueTask Unwatch(int listId, RequestContext request)
        => UnsubscribeItemChangesAsync(listId, request);

    private static TodoDto ToDto(TodoItem item) => new(item.Id, item.ListId, item.Title, item.Done);
}
