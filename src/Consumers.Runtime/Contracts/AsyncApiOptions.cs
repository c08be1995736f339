namespace Consumers.Contracts;

/// <summary>The <c>info</c> object and the security schemes of the AsyncAPI document served by <c>MapAsyncApi()</c>.</summary>
public sealed class AsyncApiOptions
{
    /// <summary>The API's title (<c>info.title</c>). Default: the application name of the host environment.</summary>
    public string? Title { get; set; }

    /// <summary>The API's version (<c>info.version</c>), free text. Default <c>1.0.0</c>.</summary>
    public string Version { get; set; } = "1.0.0";

    /// <summary>A description of the API (<c>info.description</c>, CommonMark), or null.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// How clients authenticate the handshake, by name (keys of <c>components.securitySchemes</c>: letters, digits,
    /// <c>.</c>, <c>-</c>, <c>_</c>). Every operation of an endpoint that requires authorization (a consumer's class-level
    /// <c>[Authorize]</c> without <c>[AllowAnonymous]</c>, or <c>RequireAuthorization()</c> on the endpoint) lists them
    /// all as its <c>security</c>; any one of them satisfies it. Empty (the default) and some endpoint requires
    /// authorization: one scheme, <c>access_token</c>, a token in the handshake URL
    /// (<see cref="AsyncApiSecurityScheme.QueryToken"/>), the convention this package's README sets up. Endpoints that
    /// require nothing list no <c>security</c>, and without any such endpoint there are no schemes.
    /// </summary>
    public IDictionary<string, AsyncApiSecurityScheme> SecuritySchemes { get; } = new Dictionary<string, AsyncApiSecurityScheme>(StringComparer.Ordinal);
}
