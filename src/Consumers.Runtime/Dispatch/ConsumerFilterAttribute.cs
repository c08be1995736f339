namespace Consumers;

/// <summary>
/// Applies <see cref="IConsumerFilter"/>s to every action of a consumer class (and its <see cref="ReceiveAttribute"/>
/// handler) or to one action. Read at compile time by the source generator: a filter with a public parameterless
/// constructor is created once and shared by every connection; any other is resolved from the connection's DI scope
/// on each call (register it). They run after the global filters (<c>o.AddFilter&lt;T&gt;()</c>); a class's filters
/// before its actions', in declaration order. Inherited by derived consumers and overriding actions.
/// </summary>
/// <param name="filterTypes">The filter types, each implementing <see cref="IConsumerFilter"/> (else CONS0060).</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ConsumerFilterAttribute(params Type[] filterTypes) : Attribute
{
    /// <summary>The filter types, in order.</summary>
    public IReadOnlyList<Type> FilterTypes { get; } = filterTypes;
}
