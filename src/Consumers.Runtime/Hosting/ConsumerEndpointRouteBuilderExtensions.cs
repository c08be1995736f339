using System.Diagnostics.CodeAnalysis;
using Consumers;
using Consumers.Connections;
using Consumers.Contracts;
using Consumers.Dispatch;
using Consumers.Hosting;
using Consumers.Observers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps consumer endpoints.</summary>
public static class ConsumerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a plain endpoint: every connection to <paramref name="pattern"/> gets one <typeparamref name="TConsumer"/>,
    /// and frames carry the request and reply objects bare. Route values (e.g. <c>{room}</c>) reach the consumer
    /// through <see cref="ConsumerContext.RouteValues"/>. Non-WebSocket requests get 400.
    /// </summary>
    /// <typeparam name="TConsumer">A partial consumer processed by the Consumers source generator.</typeparam>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route pattern, e.g. <c>/ws/rooms/{room}</c>.</param>
    /// <returns>The endpoint's convention builder (for <c>RequireAuthorization</c>, ...).</returns>
    /// <exception cref="InvalidOperationException"><c>AddConsumers()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapConsumer<TConsumer>(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
        where TConsumer : Consumer, IConsumerFactory<TConsumer>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var registration = ConsumerRegistration.For<TConsumer>(null);
        TConsumer.RegisterObservers(Observers(endpoints));
        CheckOrigins(endpoints);
        var endpoint = new ConsumerEndpoint([registration], multiplexed: false);
        return endpoints.Map(pattern, endpoint.HandleAsync)
            .WithDisplayName($"Consumer {typeof(TConsumer).Name} {pattern}")
            .WithMetadata(Contract([registration], multiplexed: false));
    }

    /// <summary>
    /// Maps a multiplexed endpoint (the <c>channelsmultiplexer</c> convention): frames are
    /// <c>{"stream": "name", "payload": {...}}</c> both ways, each stream is served by its own consumer instance.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route pattern, e.g. <c>/ws</c>.</param>
    /// <param name="configure">Adds the streams: <c>s =&gt; s.Add&lt;RoomConsumer&gt;("rooms")</c>.</param>
    /// <returns>The endpoint's convention builder.</returns>
    /// <exception cref="ArgumentException">No stream was added.</exception>
    public static IEndpointConventionBuilder MapConsumers(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, Action<ConsumerStreams> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        var streams = new ConsumerStreams(Observers(endpoints));
        CheckOrigins(endpoints);
        configure(streams);
        if (streams.Registrations.Count == 0)
        {
            throw new ArgumentException("A multiplexed endpoint needs at least one stream.", nameof(configure));
        }

        var endpoint = new ConsumerEndpoint(streams.Registrations.ToArray(), multiplexed: true);
        return endpoints.Map(pattern, endpoint.HandleAsync)
            .WithDisplayName($"Consumers {pattern}")
            .WithMetadata(Contract(streams.Registrations, multiplexed: true));
    }

    // The endpoint's metadata for MapAsyncApi(): the contract of each consumer that has one.
    private static ConsumerEndpointContract Contract(IReadOnlyList<ConsumerRegistration> registrations, bool multiplexed)
        => new(
            multiplexed,
            [.. registrations.Where(r => r.Contract is not null).Select(r => new StreamContract(r.Stream, r.Contract!))],
            registrations.Any(r => r.Security.RequiresPolicy));

    // Built at start-up rather than at the first handshake, so that its warning about the Host header shows then.
    private static void CheckOrigins(IEndpointRouteBuilder endpoints)
        => endpoints.ServiceProvider.GetRequiredService<Consumers.Security.OriginValidator>();

    private static ObserverRegistry Observers(IEndpointRouteBuilder endpoints)
        => endpoints.ServiceProvider.GetService<ObserverRegistry>()
            ?? throw new InvalidOperationException("Consumers are not registered: call builder.Services.AddConsumers() before mapping consumer endpoints.");
}
