using System.ComponentModel;

namespace Consumers.Dispatch;

/// <summary>
/// What the runtime knows of a consumer type without reflection: how to create it from the connection's DI scope
/// (its public constructor with services resolved by type), its <see cref="Hooks"/> (lifecycle, action dispatch and
/// handlers), its observers, security and contract. Implemented by the Consumers source generator on every concrete
/// <c>partial</c> consumer; <c>MapConsumer&lt;T&gt;</c> requires it, so an endpoint can only map a consumer the
/// generator saw. The runtime reads these static members once, when the consumer is mapped.
/// </summary>
/// <typeparam name="TConsumer">The consumer type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IConsumerFactory<TConsumer>
    where TConsumer : Consumer
{
    /// <summary>Creates the consumer.</summary>
    /// <param name="services">The connection's scoped service provider.</param>
    /// <exception cref="InvalidOperationException">A required constructor service is not registered.</exception>
    static abstract TConsumer Create(IServiceProvider services);

    /// <summary>
    /// The runtime's entry points into the consumer: <c>OnConnectAsync</c>/<c>OnDisconnectAsync</c>, the dispatch
    /// <c>switch</c> over its actions, its <see cref="ReceiveAttribute"/>, observer and <see cref="GroupEventAttribute"/>
    /// handlers. Emitted by the source generator as one instance of a class nested in the consumer; the consumer's
    /// registration holds it, so each call is one virtual call on it, as on the consumer before.
    /// </summary>
    static abstract ConsumerHooks Hooks { get; }

    /// <summary>
    /// Registers the consumer's <c>[ModelObserver]</c>s; called once when the consumer is mapped. Generated for
    /// consumers that have observers.
    /// </summary>
    /// <param name="registry">This node's observers.</param>
    static virtual void RegisterObservers(Observers.ObserverRegistry registry)
    {
    }

    /// <summary>
    /// The consumer class's <c>[Authorize]</c>, <c>[AllowAnonymous]</c> and <c>[Permission]</c> attributes, emitted
    /// by the source generator when the class (or a base) has any; checked at the handshake and, for permissions,
    /// before every action.
    /// </summary>
    static virtual Security.SecurityRequirements Security => Consumers.Security.SecurityRequirements.None;

    /// <summary>
    /// Whether the consumer takes plain JSON messages through a <see cref="ReceiveAttribute"/> handler (Channels'
    /// <c>JsonWebsocketConsumer</c>) instead of DCRF requests: emitted as <see langword="true"/> by the source generator
    /// for such consumers. The connection then sends no envelopes to it and answers bad input with <c>{"error"}</c>.
    /// </summary>
    static virtual bool ReceivesPlainJson => false;

    /// <summary>
    /// The consumer's actions, parameters, result metadata and observers, emitted by the source generator for the
    /// AsyncAPI document (<c>MapAsyncApi()</c>); null for a consumer the generator did not describe.
    /// </summary>
    static virtual Contracts.ConsumerContract? Contract => null;
}
