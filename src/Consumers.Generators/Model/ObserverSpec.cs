namespace Consumers.Generators.Model;

/// <summary>One <c>[ModelObserver]</c>: the serializer, the model and data types, and the group template.</summary>
/// <param name="MethodName">The static serializer method.</param>
/// <param name="Id">The observer id, <c>Consumer.Method</c>: the first part of its groups' names.</param>
/// <param name="ModelType">The <c>global::</c> model type.</param>
/// <param name="DataType">The <c>global::</c> serializer result type.</param>
/// <param name="DataJson">The member holding the result's <c>JsonTypeInfo</c>.</param>
/// <param name="Parts">The template: literals and placeholders, in order; empty for one group per observer.</param>
/// <param name="Handler">The handler method that takes the notifications, or null for the default frames.</param>
/// <param name="HandlerReturn">The handler's return: <c>ValueTask</c>, <c>Task</c> or <c>void</c>.</param>
/// <param name="Summary">The serializer method's XML doc summary as plain text, or null.</param>
internal sealed record ObserverSpec(
    string MethodName,
    string Id,
    string ModelType,
    string DataType,
    string DataJson,
    EquatableArray<TemplatePart> Parts,
    string? Handler,
    string? HandlerReturn,
    string? Summary = null);

/// <summary>A piece of a group template.</summary>
/// <param name="Literal">The literal text, or null for a placeholder.</param>
/// <param name="Member">Placeholder: the model member.</param>
/// <param name="Parameter">Placeholder: the subscribe method's parameter name (camelCase of the member).</param>
/// <param name="Type">Placeholder: the <c>global::</c> type of the parameter (the underlying type of a nullable).</param>
/// <param name="Format">Placeholder: how the value is written (<c>string</c>, <c>number</c>, <c>bool</c>, <c>guid</c>, <c>enum</c>).</param>
/// <param name="Nullable">Placeholder: the member can be null (then the instance belongs to no group).</param>
internal sealed record TemplatePart(string? Literal, string? Member, string? Parameter, string? Type, string? Format, bool Nullable);
