using System.Runtime.CompilerServices;

namespace Consumers;

/// <summary>
/// The arguments an action was called with, as bound from the request's keys (primitives and DTOs, in declaration
/// order; framework values such as <see cref="RequestContext"/>, the <see cref="CancellationToken"/> and services are
/// not counted): what filters (<see cref="ActionFilterContext.Arguments"/>) and permissions
/// (<see cref="Security.PermissionContext.Arguments"/>) see, as SignalR's <c>HubInvocationContext.HubMethodArguments</c>
/// and the <c>**kwargs</c> of DCRF's <c>has_permission</c>. The Consumers source generator writes one subclass per
/// action: <see cref="Get{T}(int)"/> reads a field of the argument's own type, so a value type is not boxed when it is
/// asked for as its own type.
/// </summary>
public abstract class ActionArguments
{
    /// <summary>No arguments: what a check sees where there is no call (the handshake, a consumer-level check before the action is looked up).</summary>
    public static ActionArguments Empty { get; } = new EmptyArguments();

    /// <summary>How many request keys the action binds.</summary>
    public abstract int Count { get; }

    /// <summary>The wire name (request key, snake_case) of argument <paramref name="index"/>, e.g. <c>"item_id"</c>.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public abstract string GetName(int index);

    /// <summary>
    /// The value of argument <paramref name="index"/> as <typeparamref name="T"/>: its declared type (no boxing), or a
    /// type it converts to by reference or boxing (<c>object</c>, an interface, a base class).
    /// </summary>
    /// <typeparam name="T">The type to read it as.</typeparam>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The value (null for an optional argument that was not sent and has no default).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="InvalidCastException">The argument is not a <typeparamref name="T"/>.</exception>
    public abstract T Get<T>(int index);

    /// <summary>The index of the argument bound from request key <paramref name="name"/>, or -1.</summary>
    /// <param name="name">The wire name, e.g. <c>"room"</c>.</param>
    /// <returns>The index, or -1 when the action has no such argument.</returns>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(GetName(i), name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads a value of the argument's declared type as <typeparamref name="T"/> (called by generated code).</summary>
    /// <typeparam name="TValue">The declared type.</typeparam>
    /// <typeparam name="T">The type asked for.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="index">Its index, for the exception text.</param>
    /// <returns>The value as <typeparamref name="T"/>.</returns>
    /// <exception cref="InvalidCastException">The value is not a <typeparamref name="T"/>.</exception>
    protected T Convert<TValue, T>(TValue value, int index)
    {
        if (typeof(TValue) == typeof(T))
        {
            return Unsafe.As<TValue, T>(ref value);
        }

        if (value is T converted)
        {
            return converted;
        }

        if (value is null && default(T) is null)
        {
            return default!;
        }

        throw new InvalidCastException($"Argument {index} (\"{GetName(index)}\") is a {typeof(TValue).Name}, not a {typeof(T).Name}.");
    }

    /// <summary>The exception for an index out of range (called by generated code).</summary>
    /// <param name="index">The index asked for.</param>
    /// <returns>The exception to throw.</returns>
    protected ArgumentOutOfRangeException OutOfRange(int index)
        => new(nameof(index), index, $"The action has {Count} argument(s).");

    private sealed class EmptyArguments : ActionArguments
    {
        public override int Count => 0;

        public override string GetName(int index) => throw OutOfRange(index);

        public override T Get<T>(int index) => throw OutOfRange(index);
    }
}
