using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Consumers.Clients;

/// <summary>
/// A reply to an action called through a generated .NET client: the DCRF envelope's status, errors, action and
/// request id (docs/protocol.md). Errors are replies, not exceptions, so that tests can assert 400/403/404 directly.
/// </summary>
public class ActionReply
{
    internal ActionReply(int status, JsonElement errors, string? action, JsonElement requestId)
    {
        Status = status;
        Errors = errors;
        Action = action;
        RequestId = requestId;
    }

    /// <summary>The <c>response_status</c>: 200/201/204 on success, 400, 401, 403, 404, 405, 429 or 500 otherwise.</summary>
    public int Status { get; }

    /// <summary>Whether <see cref="Status"/> is 2xx.</summary>
    public bool IsSuccess => Status is >= StatusCodes.Status200OK and < StatusCodes.Status300MultipleChoices;

    /// <summary>The <c>errors</c> array: empty on success, <c>["message"]</c> or <c>[{"field": ["message"]}]</c> otherwise.</summary>
    public JsonElement Errors { get; }

    /// <summary>The reply's <c>action</c>.</summary>
    public string? Action { get; }

    /// <summary>The <c>request_id</c> echoed by the server.</summary>
    public JsonElement RequestId { get; }
}

/// <summary>A reply whose <c>data</c> is a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The action's result type.</typeparam>
public sealed class ActionReply<T> : ActionReply
{
    internal ActionReply(int status, JsonElement errors, string? action, JsonElement requestId, T? data)
        : base(status, errors, action, requestId) => Data = data;

    /// <summary>The reply's <c>data</c>, deserialized with the consumer's source-generated metadata; default when null or on an error.</summary>
    public T? Data { get; }
}
