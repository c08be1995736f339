namespace Consumers.Generators.Model;

/// <summary>One action: its wire name, the method to call, how to bind its parameters and how to reply.</summary>
/// <param name="WireName">The name clients send in <c>action</c>.</param>
/// <param name="MethodName">The C# method name.</param>
/// <param name="Parameters">The parameters in declaration order.</param>
/// <param name="Return">How the result is awaited and written.</param>
/// <param name="ResultJson">The expression of the result's <c>JsonTypeInfo</c>, or null when there is no data.</param>
/// <param name="ResultType">The <c>global::</c> type of the data as declared (with <c>?</c>), or null when there is no data.</param>
/// <param name="ResultIsNullableReference">
/// Whether the data is an annotated reference type (<c>string?</c>, <c>Dto?</c>): its metadata is a
/// <c>JsonTypeInfo&lt;T&gt;</c> passed where <c>JsonTypeInfo&lt;T?&gt;</c> is expected, which is sound (the
/// metadata of a reference type handles null) but needs the nullability mismatch suppressed.
/// </param>
/// <param name="Security">The action's authorization attributes, or null when it has none.</param>
/// <param name="Summary">The method's XML doc summary as plain text, or null (for the AsyncAPI document and clients).</param>
/// <param name="Subscribes">Observers whose generated <c>Subscribe…Async</c> the method's body calls: its request id then receives their notifications.</param>
/// <param name="Concurrent">Whether the action runs concurrently (<c>[Action(Concurrent = true)]</c>); streams always do.</param>
/// <param name="Filters">The action's own <c>[ConsumerFilter]</c>s (those of the methods it overrides first); the consumer's run before them.</param>
internal sealed record ActionSpec(
    string WireName,
    string MethodName,
    EquatableArray<ParameterSpec> Parameters,
    ReturnKind Return,
    string? ResultJson,
    string? ResultType,
    bool ResultIsNullableReference,
    SecuritySpec? Security = null,
    string? Summary = null,
    EquatableArray<string> Subscribes = default,
    bool Concurrent = false,
    EquatableArray<FilterSpec> Filters = default)
{
    /// <summary>Whether the action streams its results (<c>IAsyncEnumerable&lt;T&gt;</c>, <c>ChannelReader&lt;T&gt;</c>); its result type is the item type.</summary>
    public bool IsStream => Return is ReturnKind.AsyncEnumerable or ReturnKind.ChannelReader;
}

/// <summary>How an action's return value becomes a reply.</summary>
internal enum ReturnKind
{
    Void,
    Task,
    ValueTask,
    Value,
    TaskOfValue,
    ValueTaskOfValue,
    Result,
    TaskOfResult,
    ValueTaskOfResult,
    ResultOfValue,
    TaskOfResultOfValue,
    ValueTaskOfResultOfValue,

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c>: streamed, one envelope per item, then the 204 end envelope.</summary>
    AsyncEnumerable,

    /// <summary><c>ChannelReader&lt;T&gt;</c>: streamed as <see cref="AsyncEnumerable"/>.</summary>
    ChannelReader,
}
