namespace Consumers;

/// <summary>
/// Publishes model changes to the model observers of every node: each observer of the model serializes the
/// instance once and sends it through the group layer to the groups the change belongs to. The EF Core change source
/// (<c>Consumers.EntityFrameworkCore</c>) calls it after <c>SaveChanges</c> or the transaction commit; code that
/// changes data without EF Core calls it itself, after the change is durable.
/// </summary>
public interface IModelChangePublisher
{
    /// <summary>Publishes one change.</summary>
    /// <typeparam name="TModel">The model type; observers are found by this exact type.</typeparam>
    /// <param name="change">The change; at least one of its instances is non-null.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">Both instances are null.</exception>
    ValueTask PublishAsync<TModel>(ModelChange<TModel> change, CancellationToken cancellationToken = default)
        where TModel : class;

    /// <summary>
    /// Publishes one change of an instance whose type is known only at run time (change sources such as the EF Core
    /// interceptor). Observers are found by <paramref name="modelType"/>; no reflection is used.
    /// </summary>
    /// <param name="modelType">The model type.</param>
    /// <param name="previous">The instance before the change, or null for a creation.</param>
    /// <param name="current">The instance after the change, or null for a deletion.</param>
    /// <param name="cancellationToken">Cancels waiting for the group layer.</param>
    /// <exception cref="ArgumentException">Both instances are null, or one is not a <paramref name="modelType"/>.</exception>
    ValueTask PublishAsync(Type modelType, object? previous, object? current, CancellationToken cancellationToken = default);
}
