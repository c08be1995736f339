using Microsoft.AspNetCore.Http;

namespace Consumers;

/// <summary>
/// Thrown from an action (or anything it calls) to answer the request with a status and errors instead of a
/// result, like DRF's <c>APIException</c> family. The connection stays open; the exception is not logged as an error.
/// </summary>
public class ActionException : Exception
{
    /// <summary>Creates an exception answered with <paramref name="status"/> and list-shaped errors.</summary>
    /// <param name="status">The envelope's <c>response_status</c> (400-599).</param>
    /// <param name="messages">The messages, sent as <c>errors</c>.</param>
    public ActionException(int status, params string[] messages)
        : this(status, ActionErrors.Messages(messages))
    {
    }

    /// <summary>Creates an exception answered with <paramref name="status"/> and <paramref name="errors"/>.</summary>
    /// <param name="status">The envelope's <c>response_status</c>.</param>
    /// <param name="errors">The errors.</param>
    public ActionException(int status, ActionErrors errors)
        : base($"Action failed with status {status}.")
    {
        Status = status;
        Errors = errors;
    }

    /// <summary>The envelope's <c>response_status</c>.</summary>
    public int Status { get; }

    /// <summary>The envelope's <c>errors</c>.</summary>
    public ActionErrors Errors { get; }

    /// <summary>404 <c>["Not found"]</c>.</summary>
    public static ActionException NotFound() => new(StatusCodes.Status404NotFound, "Not found");

    /// <summary>403 with DRF's permission-denied message.</summary>
    public static ActionException PermissionDenied() => new(StatusCodes.Status403Forbidden, "You do not have permission to perform this action.");
}
