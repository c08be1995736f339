namespace Consumers.Clients;

/// <summary>
/// Thrown by a generated .NET client's streaming method when the stream ends with a status that is not 2xx: the
/// request was refused (400 invalid input, 403, 429 past the server's <c>MaxConcurrentStreamsPerConnection</c>) or the
/// action failed mid-stream (500, or an <c>ActionException</c>'s status). The items before it were yielded. A call
/// that returns a single reply never throws it: its errors are <see cref="ActionReply"/>s.
/// </summary>
public sealed class ActionReplyException : Exception
{
    /// <summary>Creates the exception for an error reply.</summary>
    /// <param name="reply">The end envelope: its status, errors, action and request id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> is null.</exception>
    public ActionReplyException(ActionReply reply)
        : base(Describe(reply))
        => Reply = reply;

    /// <summary>The error envelope that ended the stream (<see cref="ActionReply.Status"/>, <see cref="ActionReply.Errors"/>).</summary>
    public ActionReply Reply { get; }

    private static string Describe(ActionReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var errors = reply.Errors.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "[]" : reply.Errors.GetRawText();
        return $"{reply.Action} failed with {reply.Status}: {errors}";
    }
}
