namespace Consumers.Hosting;

/// <summary>A consumer type mapped on an endpoint: its stream name (multiplexed endpoints) and its factory.</summary>
/// <param name="Stream">The stream name; <see langword="null"/> on a plain endpoint.</param>
/// <param name="ConsumerName">The consumer type's name, for logs.</param>
/// <param name="Factory">Creates the consumer from the connection's scope.</param>
internal sealed record ConsumerRegistration(string? Stream, string ConsumerName, Func<IServiceProvider, Consumer> Factory);
