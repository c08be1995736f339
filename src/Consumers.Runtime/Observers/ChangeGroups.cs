namespace Consumers.Observers;

/// <summary>
/// The groups one change of an instance touches, carried on each of its group messages: the change id (unique across
/// nodes), the groups the instance was in before the change and the groups it is in after it.
/// </summary>
/// <param name="Id">The change id (<see cref="ObserverNotification.NewChangeId"/>).</param>
/// <param name="Before">The groups before the change (empty for a creation).</param>
/// <param name="After">The groups after the change (empty for a deletion).</param>
internal sealed record ChangeGroups(string Id, string[] Before, string[] After);
