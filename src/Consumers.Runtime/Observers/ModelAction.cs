namespace Consumers;

/// <summary>What happened to an observed instance, as sent in a notification's <c>action</c> (DCRF).</summary>
public enum ModelAction
{
    /// <summary><c>"create"</c>: the instance was created, or moved into the subscribed group.</summary>
    Create,

    /// <summary><c>"update"</c>: the instance changed and stays in the subscribed group.</summary>
    Update,

    /// <summary><c>"delete"</c>: the instance was deleted, or moved out of the subscribed group.</summary>
    Delete,
}
