using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Security;

/// <summary>
/// Where a permission named by <see cref="PermissionAttribute"/> comes from, decided at compile time by the
/// source generator: a shared instance, or the connection's DI scope. No reflection at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PermissionSource
{
    private readonly IPermission? _instance;
    private readonly Func<IServiceProvider, IPermission>? _resolve;

    private PermissionSource(IPermission? instance, Func<IServiceProvider, IPermission>? resolve)
    {
        _instance = instance;
        _resolve = resolve;
    }

    /// <summary>A permission created once and shared by every connection.</summary>
    /// <param name="permission">The instance.</param>
    /// <returns>The source.</returns>
    public static PermissionSource Of(IPermission permission)
    {
        ArgumentNullException.ThrowIfNull(permission);
        return new PermissionSource(permission, null);
    }

    /// <summary>A permission resolved from the connection's DI scope on each check.</summary>
    /// <typeparam name="T">The registered permission type.</typeparam>
    /// <returns>The source.</returns>
    public static PermissionSource FromServices<T>()
        where T : class, IPermission
        => new(null, static services => services.GetRequiredService<T>());

    /// <summary>The permission.</summary>
    /// <exception cref="InvalidOperationException">A DI-resolved permission is not registered.</exception>
    internal IPermission Resolve(IServiceProvider services) => _instance ?? _resolve!(services);
}
