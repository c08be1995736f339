namespace Consumers;

/// <summary>
/// Marks an instance method of a <c>partial</c> <see cref="Consumer"/> as an action that clients call by name,
/// the counterpart of djangochannelsrestframework's <c>@action()</c> decorator.
/// </summary>
/// <remarks>
/// <para>The wire name defaults to the method name in snake_case without an <c>Async</c> suffix
/// (<c>JoinRoomAsync</c> → <c>join_room</c>); pass a name to override it.</para>
/// <para>Parameters bind by name from the request's top-level keys (<c>roomId</c> ↔ <c>room_id</c>,
/// <c>data</c> to a DTO); parameters of type <see cref="RequestContext"/>, <see cref="System.Threading.CancellationToken"/>
/// and <see cref="System.Security.Claims.ClaimsPrincipal"/> are supplied by the framework. A parameter that is
/// nullable or has a default value is optional; every other parameter is required, and a request without it
/// gets a 400 envelope naming the key.</para>
/// <para>Supported returns: <c>void</c>, <see cref="System.Threading.Tasks.Task"/>, <see cref="System.Threading.Tasks.ValueTask"/>,
/// <c>T</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask&lt;T&gt;</c>, and <see cref="ActionResult"/> / <see cref="ActionResult{T}"/>
/// (also wrapped in a task) to choose the status and errors; and <see cref="System.Collections.Generic.IAsyncEnumerable{T}"/>
/// or <see cref="System.Threading.Channels.ChannelReader{T}"/> to stream results (one envelope per item, then a 204 end
/// envelope; streams always run concurrently). Signatures are checked at compile time by the Consumers source generator
/// (diagnostics <c>CONS0001</c> and up).</para>
/// <para>A connection's actions run one at a time, in the order they arrive, unless marked <see cref="Concurrent"/>.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ActionAttribute : Attribute
{
    /// <summary>Declares an action whose wire name is the method name in snake_case without <c>Async</c>.</summary>
    public ActionAttribute()
    {
    }

    /// <summary>Declares an action with an explicit wire name.</summary>
    /// <param name="name">The value clients send in the request's <c>action</c> key.</param>
    public ActionAttribute(string name) => Name = name;

    /// <summary>The explicit wire name, or <see langword="null"/> for the default.</summary>
    public string? Name { get; }

    /// <summary>
    /// Whether the action runs concurrently (DCRF's <c>@action(detached=True)</c>): it starts when it is read and replies
    /// when it finishes, so its reply may overtake the replies of later requests (the <c>request_id</c> correlates them),
    /// while ordered actions keep running one at a time among themselves. A client may cancel it with
    /// <c>{"action": "$cancel", "request_id": ...}</c>; its <see cref="System.Threading.CancellationToken"/> parameter
    /// is then cancelled. At most <c>ConsumerOptions.MaxConcurrentActionsPerConnection</c> run at once; one more waits.
    /// </summary>
    /// <remarks>
    /// The consumer instance may be used by several actions at once: a concurrent action must not change the
    /// consumer's fields without synchronization (the generator warns with <c>CONS0020</c> when it assigns one).
    /// </remarks>
    public bool Concurrent { get; set; }
}
