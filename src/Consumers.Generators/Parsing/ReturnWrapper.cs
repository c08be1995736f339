namespace Consumers.Generators.Parsing;

/// <summary>The awaitable around an action's result, read by <see cref="ReturnShapeParser"/> to pick the <c>ReturnKind</c>.</summary>
internal enum ReturnWrapper
{
    /// <summary>The result is returned as it is (<c>T</c>, <c>ActionResult</c>, <c>ActionResult&lt;T&gt;</c>).</summary>
    None,

    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    Task,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTask,
}
