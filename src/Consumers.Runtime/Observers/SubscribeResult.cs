namespace Consumers.Observers;

/// <summary>What adding an observer subscription did.</summary>
internal enum SubscribeResult
{
    /// <summary>The request id now receives the group's notifications.</summary>
    Added,

    /// <summary>The request id was subscribed to the group already; nothing changed.</summary>
    Exists,

    /// <summary>The consumer holds its maximum of subscriptions; nothing was added.</summary>
    Full,

    /// <summary>The consumer's user holds the user's maximum over all its connections on this node; nothing was added.</summary>
    UserFull,
}
