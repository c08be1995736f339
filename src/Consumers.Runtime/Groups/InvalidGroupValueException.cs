namespace Consumers.Groups;

/// <summary>
/// Route values of a request make an invalid group name from a <c>[ConsumerGroups]</c> template: the client asked for
/// something the endpoint cannot serve, so the handshake is answered with HTTP 400 and this message.
/// </summary>
/// <param name="message">What was wrong, naming the template, the consumer and the allowed characters.</param>
internal sealed class InvalidGroupValueException(string message) : InvalidOperationException(message);
