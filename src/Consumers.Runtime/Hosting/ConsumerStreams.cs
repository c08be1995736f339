using Consumers.Connections;
using Consumers.Dispatch;
using Consumers.Observers;

namespace Consumers.Hosting;

/// <summary>
/// The streams of a multiplexed endpoint (the <c>channelsmultiplexer</c> convention): each stream name selects one
/// consumer class, and each connection gets one instance per stream.
/// </summary>
public sealed class ConsumerStreams
{
    private readonly List<ConsumerRegistration> _registrations = [];
    private readonly ObserverRegistry? _observers;

    /// <summary>Creates an empty set of streams without observers (tests; <c>MapConsumers</c> makes its own).</summary>
    internal ConsumerStreams()
    {
    }

    internal ConsumerStreams(ObserverRegistry observers) => _observers = observers;

    internal IReadOnlyList<ConsumerRegistration> Registrations => _registrations;

    /// <summary>Adds a stream served by <typeparamref name="TConsumer"/>.</summary>
    /// <typeparam name="TConsumer">A partial consumer processed by the Consumers source generator.</typeparam>
    /// <param name="stream">The stream name clients put in <c>{"stream": ...}</c>; non-empty and unique on the endpoint.</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used on this endpoint.</exception>
    public ConsumerStreams Add<TConsumer>(string stream)
        where TConsumer : Consumer, IConsumerFactory<TConsumer>
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (_registrations.Exists(r => r.Stream == stream))
        {
            throw new ArgumentException($"The stream \"{stream}\" is already mapped on this endpoint.", nameof(stream));
        }

        _registrations.Add(ConsumerRegistration.For<TConsumer>(stream));
        if (_observers is not null)
        {
            TConsumer.RegisterObservers(_observers);
        }

        return this;
    }
}
