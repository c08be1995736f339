using System.ComponentModel;

namespace Consumers.Dispatch;

/// <summary>
/// One bound call of an action or a <see cref="ReceiveAttribute"/> handler, as the source generator writes it when
/// filters or permissions must see it: the arguments (as <see cref="ActionArguments"/>), the call of the method, and the
/// reply of its result. Only made when something needs it; without filters and permissions the generated binder calls
/// the method directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ActionCall : ActionArguments
{
    private ActionResult _outcome;
    private bool _produced;

    /// <summary>Creates the call.</summary>
    /// <param name="consumer">The consumer whose method is called.</param>
    protected ActionCall(Consumer consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        Consumer = consumer;
    }

    /// <summary>The consumer.</summary>
    public Consumer Consumer { get; }

    /// <summary>Calls the method and returns its outcome; a result with data is kept for <see cref="ReplyAsync"/> (through <see cref="Produced"/>).</summary>
    /// <returns>The status and errors of the method's result.</returns>
    protected abstract ValueTask<ActionResult> InvokeAsync();

    // The runtime's entry points (protected members cannot be called from outside, protected internal ones could not be
    // overridden from an assembly that sees the runtime's internals).
    internal ValueTask<ActionResult> Invoke() => InvokeAsync();

    internal ValueTask Reply(ActionInvocation invocation, ActionResult result) => ReplyAsync(invocation, result);

    /// <summary>Writes the reply once the filters have returned <paramref name="result"/>. The default replies with its status and errors, <c>data: null</c>.</summary>
    /// <param name="invocation">The request.</param>
    /// <param name="result">What the pipeline returned.</param>
    /// <returns>A task that completes when the reply is queued.</returns>
    protected virtual ValueTask ReplyAsync(ActionInvocation invocation, ActionResult result)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        return invocation.ReplyResult(result);
    }

    /// <summary>Records the outcome of a method that produced data, so that the reply carries the data when the filters return it unchanged.</summary>
    /// <param name="status">The status of the method's result.</param>
    /// <param name="errors">Its errors, or null for none.</param>
    /// <returns>The outcome.</returns>
    protected ActionResult Produced(int status, ActionErrors? errors = null)
    {
        _outcome = new ActionResult(status, errors ?? ActionErrors.None);
        _produced = true;
        return _outcome;
    }

    /// <summary>Whether <paramref name="result"/> is the outcome recorded by <see cref="Produced"/>: the reply then carries the method's data.</summary>
    /// <param name="result">What the pipeline returned.</param>
    /// <returns>Whether to reply with the data.</returns>
    protected bool IsProduced(ActionResult result) => _produced && result == _outcome;
}
