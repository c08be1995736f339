using System.Threading.Channels;

namespace Consumers.Groups.Nats.Client;

/// <summary>A live subscription. Disposing it sends UNSUB; messages already in flight for it are dropped.</summary>
internal interface INatsSubscription : IAsyncDisposable
{
    string Subject { get; }

    string? QueueGroup { get; }

    /// <summary>Messages, for subscriptions created without a handler; completes when the subscription ends.</summary>
    ChannelReader<NatsMsg> Messages { get; }

    /// <summary>Messages dropped because the channel was full (the reader is a slow consumer).</summary>
    long DroppedMessages { get; }
}
