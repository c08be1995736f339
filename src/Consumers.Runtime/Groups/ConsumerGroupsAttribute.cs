namespace Consumers;

/// <summary>
/// Groups a consumer joins when its connection is accepted and leaves when it ends (Chanx's <c>groups</c>).
/// <c>{name}</c> placeholders are replaced by the endpoint's route values: <c>[ConsumerGroups("lobby", "room:{room}")]</c>
/// on <c>/ws/rooms/{room}</c>.
/// </summary>
/// <param name="templates">Group name templates; after formatting each must be a valid <see cref="GroupName"/>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class ConsumerGroupsAttribute(params string[] templates) : Attribute
{
    /// <summary>The group name templates.</summary>
    public IReadOnlyList<string> Templates { get; } = templates;
}
