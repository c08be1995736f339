namespace Consumers;

/// <summary>
/// One change of a model instance, published after it is durable (after the database commit).
/// </summary>
/// <typeparam name="TModel">The model type.</typeparam>
/// <param name="Previous">The instance as it was before the change (original values), or null for a creation.</param>
/// <param name="Current">The instance as it is after the change, or null for a deletion.</param>
public sealed record ModelChange<TModel>(TModel? Previous, TModel? Current)
    where TModel : class
{
    /// <summary>A creation.</summary>
    /// <param name="created">The new instance.</param>
    public static ModelChange<TModel> Created(TModel created) => new(null, created);

    /// <summary>An update.</summary>
    /// <param name="previous">The instance's values before the change (needed when a change can move it between groups).</param>
    /// <param name="current">The instance's values after the change.</param>
    public static ModelChange<TModel> Updated(TModel previous, TModel current) => new(previous, current);

    /// <summary>A deletion.</summary>
    /// <param name="deleted">The deleted instance's last values.</param>
    public static ModelChange<TModel> Deleted(TModel deleted) => new(deleted, null);
}
