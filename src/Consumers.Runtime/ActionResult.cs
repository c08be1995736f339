using Microsoft.AspNetCore.Http;

namespace Consumers;

/// <summary>
/// The outcome of an action that returns no data but chooses its status and errors, e.g.
/// <c>return ActionResult.NotFound();</c>. Converts implicitly to <see cref="ActionResult{T}"/>, so error results
/// can be returned from actions that otherwise return data.
/// </summary>
/// <param name="Status">The envelope's <c>response_status</c> (an HTTP status code: 200, 201, 204, 400, 403, 404...).</param>
/// <param name="Errors">The envelope's <c>errors</c>.</param>
public readonly record struct ActionResult(int Status, ActionErrors Errors)
{
    /// <summary>200 with no data.</summary>
    public static ActionResult Ok() => new(StatusCodes.Status200OK, ActionErrors.None);

    /// <summary>204 with no data: DCRF's answer to <c>delete</c> and <c>unsubscribe_instance</c>.</summary>
    public static ActionResult NoContent() => new(StatusCodes.Status204NoContent, ActionErrors.None);

    /// <summary>400 with validation errors for one field: <c>[{"field": ["message"]}]</c>.</summary>
    /// <param name="field">The field name as on the wire.</param>
    /// <param name="messages">The messages.</param>
    public static ActionResult BadRequest(string field, params string[] messages) => new(StatusCodes.Status400BadRequest, ActionErrors.Field(field, messages));

    /// <summary>400 with errors of either DRF shape.</summary>
    /// <param name="errors">The errors.</param>
    public static ActionResult BadRequest(ActionErrors errors) => new(StatusCodes.Status400BadRequest, errors);

    /// <summary>401 <c>["Authentication credentials were not provided."]</c> (DRF's <c>NotAuthenticated</c>).</summary>
    public static ActionResult Unauthorized() => new(StatusCodes.Status401Unauthorized, ActionErrors.Messages("Authentication credentials were not provided."));

    /// <summary>403, by default <c>["You do not have permission to perform this action."]</c> (DRF's <c>PermissionDenied</c>).</summary>
    /// <param name="message">The message.</param>
    public static ActionResult Forbidden(string message = "You do not have permission to perform this action.") => new(StatusCodes.Status403Forbidden, ActionErrors.Messages(message));

    /// <summary>404 <c>["Not found"]</c> (DCRF).</summary>
    public static ActionResult NotFound() => new(StatusCodes.Status404NotFound, ActionErrors.Messages("Not found"));

    /// <summary>Any status with list-shaped errors.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="messages">The messages.</param>
    public static ActionResult Error(int status, params string[] messages) => new(status, ActionErrors.Messages(messages));
}

/// <summary>
/// The outcome of an action that returns data with a status of its choosing (<c>Created(dto)</c> → 201), or an
/// error. A <typeparamref name="T"/> converts implicitly to a 200 result, an <see cref="ActionResult"/> to an error
/// result without data.
/// </summary>
/// <typeparam name="T">The data type.</typeparam>
/// <param name="Status">The envelope's <c>response_status</c>.</param>
/// <param name="Data">The envelope's <c>data</c>; written as <c>null</c> when <see cref="HasData"/> is false.</param>
/// <param name="Errors">The envelope's <c>errors</c>.</param>
/// <param name="HasData">Whether <see cref="Data"/> is written.</param>
public readonly record struct ActionResult<T>(int Status, T? Data, ActionErrors Errors, bool HasData)
{
    /// <summary>200 with data.</summary>
    /// <param name="data">The data.</param>
    public static ActionResult<T> Ok(T data) => new(StatusCodes.Status200OK, data, ActionErrors.None, true);

    /// <summary>201 with data: DCRF's answer to <c>create</c>.</summary>
    /// <param name="data">The created object.</param>
    public static ActionResult<T> Created(T data) => new(StatusCodes.Status201Created, data, ActionErrors.None, true);

    /// <summary>Any success status with data.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="data">The data.</param>
    public static ActionResult<T> WithStatus(int status, T data) => new(status, data, ActionErrors.None, true);

    /// <summary>Converts data to a 200 result.</summary>
    /// <param name="data">The data.</param>
    public static implicit operator ActionResult<T>(T data) => Ok(data);

    /// <summary>Converts a data-less result (usually an error) to this type.</summary>
    /// <param name="result">The result.</param>
    public static implicit operator ActionResult<T>(ActionResult result) => new(result.Status, default, result.Errors, false);
}
