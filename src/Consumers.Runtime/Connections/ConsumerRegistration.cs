using Consumers.Groups;

namespace Consumers.Connections;

/// <summary>A consumer type mapped on an endpoint: its stream name (multiplexed endpoints) and its factory.</summary>
/// <param name="Stream">The stream name; <see langword="null"/> on a plain endpoint.</param>
/// <param name="ConsumerName">The consumer type's name, for logs.</param>
/// <param name="Factory">Creates the consumer from the connection's scope.</param>
/// <param name="Hooks">The generated entry points into the consumer (lifecycle, dispatch, handlers).</param>
/// <param name="GroupTemplates">Groups joined on connect (<see cref="ConsumerGroupsAttribute"/>).</param>
/// <param name="Security">The class-level requirements the generator emitted.</param>
/// <param name="Contract">The actions and observers the generator described, for the AsyncAPI document; null if none.</param>
/// <param name="PlainJson">Whether the consumer takes plain JSON through a <see cref="ReceiveAttribute"/> handler (no envelopes).</param>
internal sealed record ConsumerRegistration(string? Stream, string ConsumerName, Func<IServiceProvider, Consumer> Factory, Dispatch.ConsumerHooks Hooks, IReadOnlyList<string> GroupTemplates, Security.SecurityRequirements Security, Contracts.ConsumerContract? Contract = null, bool PlainJson = false)
{
    /// <summary>The registration of <typeparamref name="TConsumer"/>; reads its attributes once, at mapping time.</summary>
    public static ConsumerRegistration For<TConsumer>(string? stream)
        where TConsumer : Consumer, Dispatch.IConsumerFactory<TConsumer>
    {
        var groups = typeof(TConsumer).GetCustomAttributes(typeof(ConsumerGroupsAttribute), inherit: true)
            .Cast<ConsumerGroupsAttribute>()
            .SelectMany(a => a.Templates)
            .ToArray();
        foreach (var template in groups)
        {
            GroupTemplate.Check(template, typeof(TConsumer).Name);
        }

        return new ConsumerRegistration(stream, typeof(TConsumer).Name, static services => TConsumer.Create(services), TConsumer.Hooks, groups, TConsumer.Security, TConsumer.Contract, TConsumer.ReceivesPlainJson);
    }
}
