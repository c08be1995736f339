namespace Consumers;

/// <summary>
/// Offers an action only when a flags property of the consumer has a flag set: how a base class lets each consumer
/// choose which of its inherited actions exist, as DCRF's mixins do (<c>ModelConsumer</c>'s <c>Actions</c>).
/// </summary>
/// <remarks>
/// <para>The Consumers source generator reads the property where the concrete consumer, or a base class compiled with
/// it, declares or overrides it with a constant expression (<c>protected override ModelActions Actions =&gt;
/// ModelActions.List | ModelActions.Retrieve;</c>, an expression body or a getter that only returns one). An action
/// whose flag is not set is not dispatched (a request for it gets 405 <c>["Method \"update\" not allowed."]</c>,
/// as an unknown action does) and is left out of the AsyncAPI document and the generated clients.</para>
/// <para>Where the value is not a compile-time constant, or the property is declared only in a referenced assembly,
/// the generator cannot know it: the action is kept, so the method must also check the property at run time (as
/// <c>ModelConsumer</c>'s do). A property that does not exist on the consumer, or is not of an enum or integer type,
/// is reported (CONS0056).</para>
/// </remarks>
/// <param name="property">The name of the consumer's flags property, e.g. <c>nameof(Actions)</c>.</param>
/// <param name="flag">The flag that enables the action: a constant of the property's enum type (or an integer).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class EnabledByAttribute(string property, object flag) : Attribute
{
    /// <summary>The name of the consumer's flags property.</summary>
    public string Property { get; } = property;

    /// <summary>The flag that enables the action.</summary>
    public object Flag { get; } = flag;
}
