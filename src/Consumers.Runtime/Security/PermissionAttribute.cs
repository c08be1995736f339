namespace Consumers.Security;

/// <summary>
/// Attaches permissions (DCRF's <c>permission_classes</c>) to a consumer, for all its actions and its handshake,
/// or to one <c>[Action]</c> method. Every listed type must allow; several attributes add up. Action permissions
/// are checked after the consumer's, never instead of them.
/// </summary>
/// <remarks>
/// The Consumers source generator reads this attribute at compile time: a type with a public parameterless
/// constructor is created once with <c>new</c> and shared by all connections; any other type is resolved from the
/// connection's DI scope on each check (register it). A type that does not implement <see cref="IPermission"/>
/// is error CONS0019.
/// </remarks>
/// <param name="permissions">Types implementing <see cref="IPermission"/>, e.g. <c>typeof(IsAuthenticated)</c>.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class PermissionAttribute(params Type[] permissions) : Attribute
{
    /// <summary>The permission types, in the order they are checked.</summary>
    public IReadOnlyList<Type> Permissions { get; } = permissions;
}
