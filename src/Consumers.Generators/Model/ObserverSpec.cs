using System.Linq;

namespace Consumers.Generators.Model;

/// <summary>One <c>[ModelObserver]</c>: the serializer, the model and data types, and its group templates or group method.</summary>
/// <param name="MethodName">The static serializer method.</param>
/// <param name="Id">The observer id, <c>Consumer.Method</c>: the first part of its groups' names.</param>
/// <param name="ModelType">The <c>global::</c> model type.</param>
/// <param name="DataType">The <c>global::</c> serializer result type.</param>
/// <param name="DataJson">The member holding the result's <c>JsonTypeInfo</c>.</param>
/// <param name="Groups">
/// The group templates (<c>Group</c>: one; <c>Groups</c>: one or more; neither: one template without placeholders, the
/// one group of every instance); empty when <paramref name="GroupsMethod"/> gives the groups.
/// </param>
/// <param name="GroupsMethod">The static method returning an instance's group keys (<c>GroupsMethod</c>), or null.</param>
/// <param name="Handler">The handler method that takes the notifications, or null for the default frames.</param>
/// <param name="HandlerReturn">The handler's return: <c>ValueTask</c>, <c>Task</c> or <c>void</c>.</param>
/// <param name="Summary">The serializer method's XML doc summary as plain text, or null.</param>
internal sealed record ObserverSpec(
    string MethodName,
    string Id,
    string ModelType,
    string DataType,
    string DataJson,
    EquatableArray<ObserverGroupSpec> Groups,
    string? GroupsMethod,
    string? Handler,
    string? HandlerReturn,
    string? Summary = null)
{
    /// <summary>Whether a call of <c>Subscribe{name}Async</c> subscribes to this observer.</summary>
    /// <param name="name">The part of the call's name between <c>Subscribe</c> and <c>Async</c>.</param>
    public bool IsSubscribedBy(string name)
        => GroupsMethod is not null ? name == MethodName : Groups.Any(g => MethodName + g.Suffix == name);
}

/// <summary>One group template of an observer.</summary>
/// <param name="Suffix">
/// What follows the observer's name in its generated members: empty for a <c>Group</c> template (and for the template
/// without placeholders among <c>Groups</c>), else <c>By</c> and the placeholders' members (<c>ByRoomId</c>,
/// <c>ByRoomIdAndKind</c>).
/// </param>
/// <param name="Parts">The template: literals and placeholders, in order; empty for one group per observer.</param>
internal sealed record ObserverGroupSpec(string Suffix, EquatableArray<TemplatePart> Parts);

/// <summary>A piece of a group template.</summary>
/// <param name="Literal">The literal text, or null for a placeholder.</param>
/// <param name="Member">Placeholder: the model member.</param>
/// <param name="Parameter">Placeholder: the subscribe method's parameter name (camelCase of the member).</param>
/// <param name="Type">Placeholder: the <c>global::</c> type of the parameter (the underlying type of a nullable).</param>
/// <param name="Format">Placeholder: how the value is written (<c>string</c>, <c>number</c>, <c>bool</c>, <c>guid</c>, <c>enum</c>).</param>
/// <param name="Nullable">Placeholder: the member can be null (then the instance belongs to no group).</param>
internal sealed record TemplatePart(string? Literal, string? Member, string? Parameter, string? Type, string? Format, bool Nullable);
