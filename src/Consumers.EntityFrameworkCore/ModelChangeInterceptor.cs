using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// The EF Core change source of Consumers' model observers. Before <c>SaveChanges</c> it captures the added,
/// modified and deleted entries (with their original values, so that a row moving between groups is seen); after a
/// successful save it publishes them through <see cref="IModelChangePublisher"/>, or, inside a transaction, after the
/// transaction commits. Nothing is published when the save fails or the transaction rolls back.
/// </summary>
/// <remarks>
/// <para>Not observed: <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> and raw SQL (they bypass the change tracker), and
/// ambient <c>System.Transactions</c> scopes (changes are published after <c>SaveChanges</c>, before the scope
/// completes). Publish such changes with <see cref="IModelChangePublisher"/> yourself.</para>
/// <para>The synchronous <c>SaveChanges</c> and <c>Commit</c> publish synchronously (blocking on the group layer).</para>
/// </remarks>
/// <param name="publisher">The node's publisher.</param>
public sealed class ModelChangeInterceptor(IModelChangePublisher publisher) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<CapturedChange>> _captured = new();
    private readonly ConditionalWeakTable<DbContext, List<CapturedChange>> _awaitingCommit = new();

    /// <inheritdoc/>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    /// <inheritdoc/>
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AfterSaveAsync(eventData.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return result;
    }

    /// <inheritdoc/>
    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await AfterSaveAsync(eventData.Context, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    /// <inheritdoc/>
    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        => PublishCommittedAsync(eventData.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => await PublishCommittedAsync(eventData.Context, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ForgetCommitted(eventData.Context);

    /// <inheritdoc/>
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetCommitted(eventData.Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => ForgetCommitted(eventData.Context);

    /// <inheritdoc/>
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetCommitted(eventData.Context);
        return Task.CompletedTask;
    }

    private void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        if (context.ChangeTracker.AutoDetectChangesEnabled)
        {
            context.ChangeTracker.DetectChanges();
        }

        var changes = new List<CapturedChange>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    changes.Add(new CapturedChange(entry.Metadata.ClrType, null, entry.Entity));
                    break;
                case EntityState.Modified:
                    changes.Add(new CapturedChange(entry.Metadata.ClrType, Original(entry), entry.Entity));
                    break;
                case EntityState.Deleted:
                    changes.Add(new CapturedChange(entry.Metadata.ClrType, Original(entry), null));
                    break;
            }
        }

        _captured.AddOrUpdate(context, changes);
    }

    // The row as it was loaded: the instance an observer computes the old group from.
    private static object Original(EntityEntry entry) => entry.OriginalValues.ToObject();

    private async ValueTask AfterSaveAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || !_captured.TryGetValue(context, out var changes))
        {
            return;
        }

        _captured.Remove(context);
        if (context.Database.CurrentTransaction is not null)
        {
            // Inside a transaction: durable only once it commits.
            _awaitingCommit.GetOrCreateValue(context).AddRange(changes);
            return;
        }

        await PublishAsync(changes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PublishCommittedAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || !_awaitingCommit.TryGetValue(context, out var changes))
        {
            return;
        }

        _awaitingCommit.Remove(context);
        await PublishAsync(changes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PublishAsync(List<CapturedChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            await publisher.PublishAsync(change.ModelType, change.Previous, change.Current, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _captured.Remove(context);
        }
    }

    private void ForgetCommitted(DbContext? context)
    {
        if (context is not null)
        {
            _awaitingCommit.Remove(context);
            _captured.Remove(context);
        }
    }

    private sealed record CapturedChange(Type ModelType, object? Previous, object? Current);
}
