namespace Consumers.Generators;

/// <summary>Names of the tracked pipeline steps, asserted by the incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string Consumers = nameof(Consumers);
    public const string ConsumerSpecs = nameof(ConsumerSpecs);
    public const string ActionsOutsideConsumers = nameof(ActionsOutsideConsumers);
    public const string ReceivesOutsideConsumers = nameof(ReceivesOutsideConsumers);
    public const string GroupEventsOutsideConsumers = nameof(GroupEventsOutsideConsumers);
    public const string AllConsumerSpecs = nameof(AllConsumerSpecs);
    public const string JsonPolicy = nameof(JsonPolicy);
    public const string ConsumerEvents = nameof(ConsumerEvents);
}
