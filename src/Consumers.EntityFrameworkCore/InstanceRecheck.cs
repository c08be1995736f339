using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// The re-check of one instance group's notification for every subscribed consumer of one type on this node, as one
/// batch: whether the row is still in each subscriber's <c>GetQueryable()</c> is asked in one query (the subscribers'
/// queryables, each narrowed to the key, joined with <c>UNION ALL</c>), and the row is loaded once, through the first
/// subscriber's queryable that still sees it. Both run on a context of their own (never a subscriber's, which may be in
/// use by that connection's next message). A change to N subscribers of one consumer type costs these two queries
/// instead of N; a batch of one subscriber uses that subscriber's own query instead.
/// </summary>
/// <remarks>
/// Subscribers join while the change is delivered to the group's members (synchronously, before any of them runs its
/// re-check); the first subscriber whose re-check runs starts the batch and closes it, and later arrivals start the next
/// one. A batch therefore runs after every change its members were notified of was committed, so its answer is current
/// for each of them. If the batch query fails (a queryable that cannot be combined), each subscriber falls back to its
/// own query.
/// </remarks>
/// <typeparam name="TContext">The EF Core context.</typeparam>
/// <typeparam name="TModel">The entity type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
internal sealed class InstanceRecheck<TContext, TModel, TKey>
    where TContext : DbContext
    where TModel : class
    where TKey : notnull
{
    // SQLite allows at most 500 terms in one compound SELECT; other providers more.
    private const int MaxUnionTerms = 200;

    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<(Type Consumer, string Group), InstanceRecheck<TContext, TModel, TKey>> s_open = [];
    private static readonly Lock s_lock = new();

    private readonly (Type Consumer, string Group) _key;
    private readonly List<Func<IQueryable<TModel>>> _members = [];
    private readonly List<Task> _deliveries = [];
    private Task<Outcome>? _run;

    private InstanceRecheck((Type Consumer, string Group) key) => _key = key;

    /// <summary>Adds a subscriber to the open batch of its consumer type and group.</summary>
    /// <param name="consumerType">The subscriber's consumer type.</param>
    /// <param name="group">The instance group.</param>
    /// <param name="queryable">The subscriber's <c>GetQueryable</c>, called when the batch runs.</param>
    /// <returns>The batch and the subscriber's place in it.</returns>
    /// <param name="handedToMembers">Completes when the notification has reached every member on this node.</param>
    public static (InstanceRecheck<TContext, TModel, TKey> Batch, int Index) Join(Type consumerType, string group, Func<IQueryable<TModel>> queryable, Task handedToMembers)
    {
        lock (s_lock)
        {
            var key = (consumerType, group);
            if (!s_open.TryGetValue(key, out var batch))
            {
                batch = new InstanceRecheck<TContext, TModel, TKey>(key);
                s_open.Add(key, batch);
            }

            batch._members.Add(queryable);
            if (!handedToMembers.IsCompleted && !batch._deliveries.Contains(handedToMembers))
            {
                batch._deliveries.Add(handedToMembers);
            }

            return (batch, batch._members.Count - 1);
        }
    }

    /// <summary>
    /// Whether the subscriber at <paramref name="index"/> still sees the row, and the row; starts the batch on the first
    /// call. Null when the batch could not answer, or has one subscriber only (the caller asks on its own).
    /// </summary>
    /// <param name="index">The subscriber's place, from <see cref="Join"/>.</param>
    /// <param name="services">Services to open the batch's own scope from.</param>
    /// <param name="keyEquals">The key filter.</param>
    public async Task<(bool Visible, TModel? Model)?> ResultAsync(int index, IServiceProvider services, Expression<Func<TModel, bool>> keyEquals)
    {
        Task<Outcome> run;
        lock (s_lock)
        {
            _run ??= Task.Run(() => RunAsync(services, keyEquals));
            run = _run;
        }

        var outcome = await run.ConfigureAwait(false);
        if (!outcome.Answered.Contains(index))
        {
            return null;
        }

        return outcome.Visible.Contains(index) ? (true, outcome.Model) : (false, null);
    }

    private async Task<Outcome> RunAsync(IServiceProvider services, Expression<Func<TModel, bool>> keyEquals)
    {
        // Every member on this node joins while its notification is handed out: wait for the end of that (bounded, for
        // a group layer that hands messages to members without LocalGroups), then close the batch.
        Task[] deliveries;
        lock (s_lock)
        {
            deliveries = [.. _deliveries];
        }

        await Task.WhenAny(Task.WhenAll(deliveries), Task.Delay(DeliveryWait)).ConfigureAwait(false);
        lock (s_lock)
        {
            if (s_open.TryGetValue(_key, out var open) && open == this)
            {
                s_open.Remove(_key);
            }
        }

        // Members are only added while the batch is open; from here on the list is read alone.
        if (_members.Count == 1)
        {
            return Outcome.None;
        }

        try
        {
            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var provider = (IAsyncQueryProvider)((IQueryable)db.Set<TModel>()).Provider;
            var queryables = new List<(int Place, IQueryable<TModel> Query)>(_members.Count);
            for (var place = 0; place < _members.Count; place++)
            {
                if (QueryOf(_members[place]) is { } query)
                {
                    queryables.Add((place, query.AsNoTracking().Where(keyEquals)));
                }
            }

            // EF Core runs a query on one context: the subscribers' query roots are detached from their contexts, and
            // the combined query runs on the batch's. A queryable that reaches its own context otherwise (a subquery EF
            // Core would evaluate there, while that connection may be using it) is left to its subscriber.
            for (var i = 0; i < queryables.Count; i++)
            {
                if (Detached(queryables[i].Query, provider) is { } detached)
                {
                    queryables[i] = (queryables[i].Place, detached);
                }
                else
                {
                    queryables.RemoveAt(i--);
                }
            }

            if (queryables.Count < 2)
            {
                return Outcome.None;
            }

            var visible = new HashSet<int>();
            foreach (var chunk in queryables.Chunk(MaxUnionTerms))
            {
                IQueryable<int>? union = null;
                foreach (var (place, query) in chunk)
                {
                    var term = query.Select(_ => place);
                    union = union is null ? term : union.Concat(term);
                }

                visible.UnionWith(await provider.CreateQuery<int>(union!.Expression).ToListAsync().ConfigureAwait(false));
            }

            var answered = queryables.Select(q => q.Place).ToHashSet();
            if (visible.Count == 0)
            {
                return new Outcome(answered, visible, null);
            }

            // Null if the row went away in between: then every subscriber asks on its own.
            var first = visible.Min();
            var model = await provider.CreateQuery<TModel>(queryables.First(q => q.Place == first).Query.Expression).FirstOrDefaultAsync().ConfigureAwait(false);
            return model is null ? Outcome.None : new Outcome(answered, visible, model);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // A queryable EF Core cannot combine or translate: each subscriber asks on its own.
            return Outcome.None;
        }
    }

    // A subscriber whose connection ended after it joined has a disposed context: it is left out.
    private static IQueryable<TModel>? QueryOf(Func<IQueryable<TModel>> member)
    {
        try
        {
            return member();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private static IQueryable<TModel>? Detached(IQueryable<TModel> query, IAsyncQueryProvider provider)
        => QueryRootDetacher.Detach(query.Expression) is { } expression ? provider.CreateQuery<TModel>(expression) : null;

    // Answered: the members the batch decided for (the others ask on their own); Visible: those that still see the row.
    private sealed record Outcome(HashSet<int> Answered, HashSet<int> Visible, TModel? Model)
    {
        public static readonly Outcome None = new([], [], null);
    }
}
