using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Contracts;

/// <summary>One action of a <see cref="ConsumerContract"/>: the request a client sends and the reply's <c>data</c>.</summary>
/// <param name="Name">The wire name clients send in <c>action</c>, e.g. <c>join_room</c>.</param>
/// <param name="Description">The method's XML doc summary, or null.</param>
/// <param name="Parameters">The request keys bound to parameters (framework parameters excluded), in declaration order.</param>
/// <param name="Result">The metadata of the reply's <c>data</c>, or null when the action replies with <c>data: null</c>.</param>
/// <param name="ResultNullable">Whether <c>data</c> may be null on success (a nullable result type, or an <c>ActionResult</c> that may carry no data).</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record ActionContract(
    string Name,
    string? Description,
    IReadOnlyList<ParameterContract> Parameters,
    JsonTypeInfo? Result,
    bool ResultNullable);
