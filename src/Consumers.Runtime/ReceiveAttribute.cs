namespace Consumers;

/// <summary>
/// Marks the one method of a <c>partial</c> <see cref="Consumer"/> that takes every message of the socket as plain
/// JSON, the counterpart of Django Channels' <c>JsonWebsocketConsumer.receive_json</c>: no <c>action</c>, no
/// <c>request_id</c> and no DCRF envelope, either way.
/// </summary>
/// <remarks>
/// <para>Shape: <c>Task OnMessage(ChatIn message)</c>, also returning <see cref="System.Threading.Tasks.ValueTask"/> or
/// <c>void</c>, optionally with a <see cref="System.Threading.CancellationToken"/> parameter (cancelled when the
/// connection ends). Each text frame must be one JSON object; it is deserialized as the message type through the
/// consumer's <see cref="JsonContextAttribute"/> context (source-generated metadata, no reflection), and the handler
/// runs once per frame, in order, one at a time, on the same path as actions (rate limit, message size and
/// read-ahead limits apply).</para>
/// <para>Replies are whatever the handler sends with <c>Send(value, typeInfo)</c>. A frame that is not JSON, not an
/// object or not of the message's shape, and a handler that throws, get one <c>{"error": "..."}</c> frame and the
/// socket stays open (see <c>docs/protocol.md</c>). A consumer with a receive handler has no actions; the
/// generator reports two handlers, a bad signature or a mix with <c>[Action]</c> as errors (<c>CONS0040</c>-<c>CONS0044</c>).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ReceiveAttribute : Attribute
{
}
