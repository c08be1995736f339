namespace Consumers.EntityFrameworkCore;

/// <summary>
/// The generic actions a <see cref="ModelConsumer{TContext, TModel, TDto, TKey}"/> exposes: DCRF's mixins as flags.
/// An action left out answers 405 like an unknown action.
/// </summary>
[Flags]
public enum ModelActions
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>list</c> (DCRF <c>ListModelMixin</c>).</summary>
    List = 1,

    /// <summary><c>retrieve</c> (<c>RetrieveModelMixin</c>).</summary>
    Retrieve = 2,

    /// <summary><c>create</c> (<c>CreateModelMixin</c>).</summary>
    Create = 4,

    /// <summary><c>update</c> (<c>UpdateModelMixin</c>).</summary>
    Update = 8,

    /// <summary><c>patch</c> (<c>PatchModelMixin</c>).</summary>
    Patch = 16,

    /// <summary><c>delete</c> (<c>DeleteModelMixin</c>).</summary>
    Delete = 32,

    /// <summary><c>subscribe_instance</c> and <c>unsubscribe_instance</c> (<c>ObserverModelInstanceMixin</c>).</summary>
    Subscribe = 64,

    /// <summary><c>list</c> and <c>retrieve</c>.</summary>
    ReadOnly = List | Retrieve,

    /// <summary>Every action.</summary>
    All = List | Retrieve | Create | Update | Patch | Delete | Subscribe,
}
