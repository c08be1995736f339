using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Contracts;

/// <summary>One action of a <see cref="ConsumerContract"/>: the request a client sends and the reply's <c>data</c>.</summary>
/// <param name="Name">The wire name clients send in <c>action</c>, e.g. <c>join_room</c>.</param>
/// <param name="Description">The method's XML doc summary, or null.</param>
/// <param name="Parameters">The request keys bound to parameters (framework parameters excluded), in declaration order.</param>
/// <param name="Result">
/// The metadata of the reply's <c>data</c>, or null when the action replies with <c>data: null</c>; for a
/// <paramref name="Stream"/>, the metadata of one item.
/// </param>
/// <param name="ResultNullable">Whether <c>data</c> may be null on success (a nullable result type, or an <c>ActionResult</c> that may carry no data).</param>
/// <param name="Concurrent">
/// Whether the action is <c>[Action(Concurrent = true)]</c>: it runs beside the connection's other messages, its reply
/// may overtake theirs, and <c>$cancel</c> cancels it (answered with 499).
/// </param>
/// <param name="Stream">
/// Whether the action streams (returns <c>IAsyncEnumerable&lt;T&gt;</c> or <c>ChannelReader&lt;T&gt;</c>): one envelope
/// per item with status 200, then one end envelope with 204 and <c>data: null</c>, or an error status; <c>$cancel</c>
/// ends it with the 204 envelope.
/// </param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record ActionContract(
    string Name,
    string? Description,
    IReadOnlyList<ParameterContract> Parameters,
    JsonTypeInfo? Result,
    bool ResultNullable,
    bool Concurrent = false,
    bool Stream = false);
