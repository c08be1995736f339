using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consumers.Observers;
using Consumers.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// A consumer with DCRF's generic model actions over an EF Core entity: <c>list</c> (optionally paginated with
/// <c>limit</c>/<c>offset</c>), <c>retrieve</c>, <c>create</c>, <c>update</c>, <c>patch</c>, <c>delete</c>,
/// <c>subscribe_instance</c> and <c>unsubscribe_instance</c>, with DCRF's status codes (docs/protocol.md). Actions on
/// one object ask the consumer's object permissions about the model, as DCRF's <c>get_object</c> does. Derive a
/// <c>partial</c> class from it; the generator dispatches the inherited actions like your own.
/// </summary>
/// <typeparam name="TContext">The EF Core context.</typeparam>
/// <typeparam name="TModel">The entity type.</typeparam>
/// <typeparam name="TDto">The client's view; must be in the consumer's JSON context.</typeparam>
/// <typeparam name="TKey">The primary key type (the <c>pk</c> of requests).</typeparam>
/// <param name="db">The connection's context (scoped: it lives as long as the connection).</param>
/// <param name="serializer">The model's serializer, registered with <c>AddModelSerializer</c>.</param>
public abstract class ModelConsumer<TContext, TModel, TDto, TKey>(TContext db, ModelSerializer<TModel, TDto, TKey> serializer) : Consumer, INotificationFilter
    where TContext : DbContext
    where TModel : class
    where TKey : notnull
{
    /// <summary>The connection's context.</summary>
    protected TContext Db => db;

    // The key of each instance group this consumer subscribed to (read and written in order with its messages).
    private readonly Dictionary<string, TKey> _instanceKeys = new(StringComparer.Ordinal);

    // Instance notifications queued for this consumer whose re-check joined a batch, in delivery order (written by the
    // delivering thread, read in order with the consumer's messages).
    private readonly Queue<(string Group, InstanceRecheck<TContext, TModel, TKey> Batch, int Index)> _rechecks = new();

    /// <summary>The model's serializer.</summary>
    protected ModelSerializer<TModel, TDto, TKey> Serializer => serializer;

    /// <summary>
    /// The actions this consumer exposes (DCRF's mixins). Default: all. Others answer 405. Overridden with a constant
    /// (<c>=&gt; ModelActions.List | ModelActions.Retrieve</c>), it also decides which actions the AsyncAPI document and
    /// the generated clients list (<see cref="EnabledByAttribute"/>).
    /// </summary>
    protected virtual ModelActions Actions => ModelActions.All;

    /// <summary>
    /// The page size of <c>list</c> when the request gives no <c>limit</c>; null (the default) lists everything
    /// unless a <c>limit</c> is sent. DCRF's <c>pagination_class</c>.
    /// </summary>
    protected virtual int? PageSize => null;

    /// <summary>The largest <c>limit</c> honoured. Default 100.</summary>
    protected virtual int MaxPageSize => 100;

    /// <summary>
    /// The rows this connection may see and act on: DCRF's <c>get_queryset</c>. Override to filter per user
    /// (<c>Context.User</c>); rows outside it answer 404, as if they did not exist.
    /// </summary>
    protected virtual IQueryable<TModel> GetQueryable() => db.Set<TModel>();

    /// <summary><c>list</c>: an array, or <c>{"count", "results", "limit", "offset"}</c> when paginated.</summary>
    /// <param name="limit">Page size (1 to <see cref="MaxPageSize"/>); paginates when given.</param>
    /// <param name="offset">Rows to skip when paginated.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("list")]
    [EnabledBy(nameof(Actions), ModelActions.List)]
    public virtual async Task<ActionResult<JsonElement>> ListAsync(int? limit = null, int? offset = null, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.List))
        {
            return NotAllowed("list");
        }

        var query = GetQueryable().AsNoTracking().OrderBy(KeySelector());
        if (limit is null && PageSize is null)
        {
            var all = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
            return WriteJson(writer => WriteArray(writer, all));
        }

        var take = Math.Clamp(limit ?? PageSize!.Value, 1, MaxPageSize);
        var skip = Math.Max(offset ?? 0, 0);
        var count = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        var page = await query.Skip(skip).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        return WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("count"u8, count);
            writer.WritePropertyName("results"u8);
            WriteArray(writer, page);
            writer.WriteNumber("limit"u8, take);
            writer.WriteNumber("offset"u8, skip);
            writer.WriteEndObject();
        });
    }

    /// <summary><c>retrieve</c>: the object; 404, or 403 when an object permission denies it.</summary>
    /// <param name="pk">The key.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("retrieve")]
    [EnabledBy(nameof(Actions), ModelActions.Retrieve)]
    public virtual async Task<ActionResult<TDto>> RetrieveAsync(TKey pk, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Retrieve))
        {
            return NotAllowed("retrieve");
        }

        var (model, refused) = await GetObjectAsync(pk, "retrieve", tracking: false, cancellationToken).ConfigureAwait(false);
        return model is null ? refused : serializer.ToDto(model);
    }

    /// <summary><c>create</c>: validates <paramref name="data"/>, saves, answers 201 with the object.</summary>
    /// <param name="data">The new object.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("create")]
    [EnabledBy(nameof(Actions), ModelActions.Create)]
    public virtual async Task<ActionResult<TDto>> CreateAsync(TDto data, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Create))
        {
            return NotAllowed("create");
        }

        // The DTO's DataAnnotations were checked before the action ran, as every action's DTO arguments are
        // (ConsumerOptions.ValidateDataAnnotations, by the generated validator).
        var model = serializer.CreateModel(data);
        db.Add(model);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return ActionResult<TDto>.Created(serializer.ToDto(model));
    }

    /// <summary><c>update</c>: replaces the object with <paramref name="data"/> (all fields).</summary>
    /// <param name="pk">The key.</param>
    /// <param name="data">The full object.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("update")]
    [EnabledBy(nameof(Actions), ModelActions.Update)]
    public virtual async Task<ActionResult<TDto>> UpdateAsync(TKey pk, TDto data, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Update))
        {
            return NotAllowed("update");
        }

        var (model, refused) = await GetObjectAsync(pk, "update", tracking: true, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return refused;
        }

        return await SaveAsync(model, data, validate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>patch</c>: changes the fields present in <paramref name="data"/> and keeps the others.</summary>
    /// <param name="pk">The key.</param>
    /// <param name="data">Some fields of the object, as a JSON object.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("patch")]
    [EnabledBy(nameof(Actions), ModelActions.Patch)]
    public virtual async Task<ActionResult<TDto>> PatchAsync(TKey pk, JsonElement data, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Patch))
        {
            return NotAllowed("patch");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return ActionResult.BadRequest("data", "Expected a JSON object.");
        }

        var (model, refused) = await GetObjectAsync(pk, "patch", tracking: true, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return refused;
        }

        // Merge on the JSON form: the serializer's own view of the object, with the sent fields on top.
        var merged = JsonSerializer.SerializeToNode(serializer.ToDto(model), serializer.WireTypeInfo)!.AsObject();
        foreach (var property in data.EnumerateObject())
        {
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }

        TDto patched;
        try
        {
            patched = merged.Deserialize(serializer.WireTypeInfo)!;
        }
        catch (JsonException ex)
        {
            return ActionResult.BadRequest("data", Protocol.ProtocolErrors.InvalidValue(ex.Path));
        }

        return await SaveAsync(model, patched, validate: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>delete</c>: removes the object, answers 204.</summary>
    /// <param name="pk">The key.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("delete")]
    [EnabledBy(nameof(Actions), ModelActions.Delete)]
    public virtual async Task<ActionResult> DeleteAsync(TKey pk, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Delete))
        {
            return NotAllowed("delete");
        }

        var (model, refused) = await GetObjectAsync(pk, "delete", tracking: true, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return refused;
        }

        db.Remove(model);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return ActionResult.NoContent();
    }

    /// <summary>
    /// <c>subscribe_instance</c>: answers 201, then pushes each change of the object under the request's
    /// <c>request_id</c>: <c>update</c> with the object, <c>delete</c> with <c>{"pk": ...}</c> and 204.
    /// </summary>
    /// <param name="pk">The key.</param>
    /// <param name="request">The subscribing request.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("subscribe_instance")]
    [EnabledBy(nameof(Actions), ModelActions.Subscribe)]
    public virtual async Task<ActionResult> SubscribeInstanceAsync(TKey pk, RequestContext request, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Subscribe))
        {
            return NotAllowed("subscribe_instance");
        }

        var (model, refused) = await GetObjectAsync(pk, "subscribe_instance", tracking: false, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return refused;
        }

        var group = InstanceGroups.Of<TModel, TKey>(pk);
        await SubscribeObserverAsync(group, request, cancellationToken).ConfigureAwait(false);
        _instanceKeys[group] = pk;
        return new ActionResult(StatusCodes.Status201Created, ActionErrors.None);
    }

    /// <summary>The instance subscriptions (<c>subscribe_instance</c>) are re-checked per notification; other observers are not.</summary>
    /// <inheritdoc />
    bool INotificationFilter.FiltersNotifications(string observerId) => observerId == InstanceGroups.ObserverId<TModel>();

    /// <summary>
    /// Joins this subscriber's re-check of an instance notification to the batch of every subscriber of this consumer
    /// type on this node (see <see cref="INotificationFilter.MayNotifyAsync"/>).
    /// </summary>
    /// <inheritdoc />
    void INotificationFilter.OnNotificationQueued(string observerId, string group, ModelAction action, Task handedToMembers)
    {
        if (observerId != InstanceGroups.ObserverId<TModel>() || action == ModelAction.Delete)
        {
            return;
        }

        var (batch, index) = InstanceRecheck<TContext, TModel, TKey>.Join(GetType(), group, GetQueryable, handedToMembers);
        lock (_rechecks)
        {
            _rechecks.Enqueue((group, batch, index));
        }
    }

    /// <summary>
    /// Before each instance notification: the subscriber must still see the row (it is in <see cref="GetQueryable"/>)
    /// and pass the object permissions, asked with the model as for <c>retrieve</c> (DCRF's <c>get_object</c>). A
    /// subscriber whose access was revoked gets no more updates; a deletion is always sent (only its <c>pk</c>).
    /// One change to N subscribers of this consumer type on a node costs two queries, not N: one asks every
    /// subscriber's <see cref="GetQueryable"/> at once (<c>UNION ALL</c>), one loads the row, both on a context of their
    /// own; object permissions then run per subscriber, in order with its messages, with that (untracked, shared) model.
    /// <see cref="GetQueryable"/> is therefore also called from another connection's thread: it must only build the
    /// query. A subscriber alone, or a queryable EF Core cannot combine, is checked with its own query.
    /// </summary>
    /// <inheritdoc />
    async ValueTask<bool> INotificationFilter.MayNotifyAsync(string observerId, string group, ModelAction action, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (observerId != InstanceGroups.ObserverId<TModel>() || action == ModelAction.Delete)
        {
            return true;
        }

        var recheck = TakeRecheck(group);
        if (!_instanceKeys.TryGetValue(group, out var pk))
        {
            return false;
        }

        if (recheck is { } batched &&
            await batched.Batch.ResultAsync(batched.Index, Context.Services, KeyEquals(pk)).ConfigureAwait(false) is { } result)
        {
            return result.Visible &&
                await ConsumerAuthorization.HasObjectPermissionAsync(this, "subscribe_instance", result.Model!, cancellationToken).ConfigureAwait(false);
        }

        var (model, _) = await GetObjectAsync(pk, "subscribe_instance", tracking: false, cancellationToken).ConfigureAwait(false);
        return model is not null;
    }

    // The batch this notification's re-check joined when it was queued (entries of notifications that never ran, e.g.
    // refused by a full work queue, are skipped).
    private (InstanceRecheck<TContext, TModel, TKey> Batch, int Index)? TakeRecheck(string group)
    {
        lock (_rechecks)
        {
            while (_rechecks.TryDequeue(out var entry))
            {
                if (entry.Group == group)
                {
                    return (entry.Batch, entry.Index);
                }
            }

            return null;
        }
    }

    /// <summary><c>unsubscribe_instance</c>: ends the request's subscription (every one of the object's, without a <c>request_id</c>); 204.</summary>
    /// <param name="pk">The key.</param>
    /// <param name="request">The request; its <c>request_id</c> names the subscription.</param>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    [Action("unsubscribe_instance")]
    [EnabledBy(nameof(Actions), ModelActions.Subscribe)]
    public virtual async Task<ActionResult> UnsubscribeInstanceAsync(TKey pk, RequestContext request, CancellationToken cancellationToken = default)
    {
        if (!Actions.HasFlag(ModelActions.Subscribe))
        {
            return NotAllowed("unsubscribe_instance");
        }

        await UnsubscribeObserverAsync(InstanceGroups.Of<TModel, TKey>(pk), request.RequestId is null ? null : request, cancellationToken).ConfigureAwait(false);
        return ActionResult.NoContent();
    }

    /// <summary>Finds a row of <see cref="GetQueryable"/> by key.</summary>
    /// <param name="pk">The key.</param>
    /// <param name="tracking">Whether the row will be changed.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The row, or null.</returns>
    protected async Task<TModel?> FindAsync(TKey pk, bool tracking, CancellationToken cancellationToken)
    {
        var query = tracking ? GetQueryable().AsTracking() : GetQueryable().AsNoTracking();
        return await query.FirstOrDefaultAsync(KeyEquals(pk), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// DCRF's <c>get_object</c>: the row of <see cref="GetQueryable"/> with the key, then the consumer's object
    /// permissions asked about it (<see cref="ConsumerAuthorization.HasObjectPermissionAsync"/> with the model, DRF's
    /// <c>check_object_permissions</c>). Every generic action that touches one object goes through it.
    /// </summary>
    /// <param name="pk">The key.</param>
    /// <param name="action">The action, as permissions see it in <see cref="PermissionContext.Action"/>.</param>
    /// <param name="tracking">Whether the row will be changed.</param>
    /// <param name="cancellationToken">Cancels the query and the checks.</param>
    /// <returns>
    /// The row (and a default result); or no row and 404 <c>["Not found"]</c> (also for rows outside the queryset), or 403
    /// <c>["You do not have permission to perform this action."]</c> when a permission denies it (401 for an anonymous
    /// user, as DRF's <c>permission_denied</c>).
    /// </returns>
    protected async Task<(TModel? Model, ActionResult Refused)> GetObjectAsync(TKey pk, string action, bool tracking, CancellationToken cancellationToken)
    {
        var model = await FindAsync(pk, tracking, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return (null, ActionResult.NotFound());
        }

        if (!await ConsumerAuthorization.HasObjectPermissionAsync(this, action, model, cancellationToken).ConfigureAwait(false))
        {
            if (tracking)
            {
                // Nothing of a refused row may be saved later by this connection's context.
                db.Entry(model).State = EntityState.Detached;
            }

            return (null, Context.User.Identities.Any(static i => i.IsAuthenticated) ? ActionResult.Forbidden() : ActionResult.Unauthorized());
        }

        return (model, default);
    }

    // validate: a DTO made here (patch's merge) is checked as an argument is; update's was checked before the action.
    private async Task<ActionResult<TDto>> SaveAsync(TModel model, TDto data, bool validate, CancellationToken cancellationToken)
    {
        if (validate && Validate(data) is { } invalid)
        {
            return invalid;
        }

        serializer.UpdateModel(model, data);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return serializer.ToDto(model);
    }

    // The DTO's DataAnnotations, by the validator generated for it (the one that checks create's and update's argument),
    // with errors under the wire names in DRF's shape. A consumer without one (no create or update action binds TDto)
    // falls back to DataAnnotations' Validator.
    private ActionResult? Validate(TDto data)
    {
        if (data is null)
        {
            return null;
        }

        if (TryValidateDataAnnotations(data, out var errors))
        {
            return errors is null ? null : ActionResult.BadRequest(errors);
        }

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(data, new ValidationContext(data), results, validateAllProperties: true))
        {
            return null;
        }

        var names = serializer.WireTypeInfo.Properties
            .Where(p => p.AttributeProvider is System.Reflection.MemberInfo)
            .ToDictionary(p => ((System.Reflection.MemberInfo)p.AttributeProvider!).Name, p => p.Name, StringComparer.Ordinal);
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty("non_field_errors"))
            {
                var field = names.GetValueOrDefault(member, member);
                fields[field] = [.. fields.GetValueOrDefault(field, []), result.ErrorMessage ?? "Invalid value."];
            }
        }

        return ActionResult.BadRequest(ActionErrors.Fields(fields));
    }

    private static ActionResult NotAllowed(string action) => ActionResult.Error(StatusCodes.Status405MethodNotAllowed, Protocol.ProtocolErrors.MethodNotAllowed(action));

    private string KeyName => db.Model.FindEntityType(typeof(TModel))?.FindPrimaryKey()?.Properties.Single().Name
        ?? throw new InvalidOperationException($"{typeof(TModel).Name} has no single-column primary key in {typeof(TContext).Name}.");

    private Expression<Func<TModel, TKey>> KeySelector()
    {
        var model = Expression.Parameter(typeof(TModel), "model");
        return Expression.Lambda<Func<TModel, TKey>>(Expression.Call(typeof(EF), nameof(EF.Property), [typeof(TKey)], model, Expression.Constant(KeyName)), model);
    }

    private Expression<Func<TModel, bool>> KeyEquals(TKey pk)
    {
        var selector = KeySelector();
        return Expression.Lambda<Func<TModel, bool>>(Expression.Equal(selector.Body, Expression.Constant(pk, typeof(TKey))), selector.Parameters);
    }

    private JsonElement WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private void WriteArray(Utf8JsonWriter writer, List<TModel> models)
    {
        writer.WriteStartArray();
        foreach (var model in models)
        {
            JsonSerializer.Serialize(writer, serializer.ToDto(model), serializer.WireTypeInfo);
        }

        writer.WriteEndArray();
    }
}
