using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>What the test sends: JSON text, typed values, and the bytes on the socket (one send at a time).</summary>
public sealed partial class ConsumerCommunicator
{
    private static JsonSerializerOptions SendOptions { get; } = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    /// <summary>Sends one text frame as it is (valid JSON or not: hostile-input tests send broken frames).</summary>
    /// <param name="json">The frame's text.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    /// <exception cref="WebSocketException">The connection is closed.</exception>
    public Task SendAsync(string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SendBytesAsync(Encoding.UTF8.GetBytes(json), cancellationToken);
    }

    /// <summary>Serializes <paramref name="message"/> with source-generated metadata and sends it as one text frame.</summary>
    /// <typeparam name="T">The message's type.</typeparam>
    /// <param name="message">The request, e.g. a record with <c>action</c>, <c>request_id</c> and parameters.</param>
    /// <param name="typeInfo">Its metadata.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    /// <exception cref="WebSocketException">The connection is closed.</exception>
    public Task SendAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendBytesAsync(JsonSerializer.SerializeToUtf8Bytes(message, typeInfo), cancellationToken);
    }

    /// <summary>
    /// Serializes <paramref name="message"/> (an anonymous object such as <c>new { action = "list", request_id = 1 }</c>)
    /// with reflection and sends it as one text frame. Member names are written as declared.
    /// </summary>
    /// <param name="message">The request.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the frame is written.</returns>
    /// <exception cref="WebSocketException">The connection is closed.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON: use the JsonTypeInfo overload under trimming.")]
    [RequiresDynamicCode("Reflection-based JSON: use the JsonTypeInfo overload under Native AOT.")]
    public Task SendAsync(object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is string json)
        {
            return SendAsync(json, cancellationToken);
        }

        return SendBytesAsync(JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), SendOptions), cancellationToken);
    }

    private async Task SendBytesAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            KeepSent(bytes);
        }
        finally
        {
            _send.Release();
        }
    }
}
