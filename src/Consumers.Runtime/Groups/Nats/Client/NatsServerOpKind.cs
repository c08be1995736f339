namespace Consumers.Groups.Nats.Client;

/// <summary>Operations a NATS server sends to a client.</summary>
internal enum NatsServerOpKind
{
    Info,
    Msg,
    HMsg,
    Ping,
    Pong,
    Ok,
    Err,
}
