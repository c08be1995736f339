using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Testing.Communication;

/// <summary>Observer notifications: the frames a subscribing request's <c>request_id</c> names.</summary>
public sealed partial class ConsumerCommunicator
{
    /// <summary>
    /// Returns the first unread frame whose <c>request_id</c> is the string <paramref name="requestId"/> (a
    /// subscription's notification), with its data read by source-generated metadata under the wire's snake_case names
    /// (<see cref="ConsumerEnvelope.DataAs{T}(JsonTypeInfo{T})"/>). Other frames stay unread.
    /// </summary>
    /// <typeparam name="T">The notification's data type.</typeparam>
    /// <param name="requestId">The subscribing request's id.</param>
    /// <param name="typeInfo">The data's metadata.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The notification's action, data and frame.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<ConsumerNotification<T>> ReceiveNotificationAsync<T>(string requestId, JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var envelope = await ReceiveAsync(e => e.HasRequestId(requestId), $"frame with request_id \"{requestId}\"", timeout, cancellationToken).ConfigureAwait(false);
        return new ConsumerNotification<T>(envelope.Action, envelope.DataAs(typeInfo), envelope);
    }

    /// <summary>As <see cref="ReceiveNotificationAsync{T}(string, JsonTypeInfo{T}, TimeSpan?, CancellationToken)"/> for a numeric <c>request_id</c>.</summary>
    /// <typeparam name="T">The notification's data type.</typeparam>
    /// <param name="requestId">The subscribing request's id.</param>
    /// <param name="typeInfo">The data's metadata.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The notification's action, data and frame.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    public async Task<ConsumerNotification<T>> ReceiveNotificationAsync<T>(long requestId, JsonTypeInfo<T> typeInfo, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var envelope = await ReceiveAsync(e => e.HasRequestId(requestId), $"frame with request_id {requestId.ToString(CultureInfo.InvariantCulture)}", timeout, cancellationToken).ConfigureAwait(false);
        return new ConsumerNotification<T>(envelope.Action, envelope.DataAs(typeInfo), envelope);
    }

    /// <summary>As <see cref="ReceiveNotificationAsync{T}(string, JsonTypeInfo{T}, TimeSpan?, CancellationToken)"/>, the data read with reflection.</summary>
    /// <typeparam name="T">The notification's data type.</typeparam>
    /// <param name="requestId">The subscribing request's id.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The notification's action, data and frame.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON: use the JsonTypeInfo overload under trimming.")]
    [RequiresDynamicCode("Reflection-based JSON: use the JsonTypeInfo overload under Native AOT.")]
    public async Task<ConsumerNotification<T>> ReceiveNotificationAsync<T>(string requestId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var envelope = await ReceiveAsync(e => e.HasRequestId(requestId), $"frame with request_id \"{requestId}\"", timeout, cancellationToken).ConfigureAwait(false);
        return new ConsumerNotification<T>(envelope.Action, envelope.DataAs<T>(), envelope);
    }

    /// <summary>As <see cref="ReceiveNotificationAsync{T}(string, TimeSpan?, CancellationToken)"/> for a numeric <c>request_id</c>.</summary>
    /// <typeparam name="T">The notification's data type.</typeparam>
    /// <param name="requestId">The subscribing request's id.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ReceiveTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The notification's action, data and frame.</returns>
    /// <exception cref="TimeoutException">None arrived in time; the message lists the frames that did.</exception>
    /// <exception cref="ConsumerClosedException">The connection closed first.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON: use the JsonTypeInfo overload under trimming.")]
    [RequiresDynamicCode("Reflection-based JSON: use the JsonTypeInfo overload under Native AOT.")]
    public async Task<ConsumerNotification<T>> ReceiveNotificationAsync<T>(long requestId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var envelope = await ReceiveAsync(e => e.HasRequestId(requestId), $"frame with request_id {requestId.ToString(CultureInfo.InvariantCulture)}", timeout, cancellationToken).ConfigureAwait(false);
        return new ConsumerNotification<T>(envelope.Action, envelope.DataAs<T>(), envelope);
    }
}
