namespace Consumers.Contracts;

/// <summary>
/// One way a client authenticates the WebSocket handshake, as an AsyncAPI 3.0 Security Scheme Object
/// (<c>components.securitySchemes</c>). The document lists the schemes in <see cref="AsyncApiOptions.SecuritySchemes"/>
/// on every operation of an endpoint that requires authorization; a client satisfies any one of them.
/// </summary>
/// <remarks>
/// The handshake is an HTTP request that the application's ASP.NET Core authentication reads (a cookie, or a token
/// in <c>?access_token=</c> since browsers cannot set headers on a WebSocket): the schemes describe that, they change
/// nothing at run time.
/// </remarks>
public sealed class AsyncApiSecurityScheme
{
    private static readonly HashSet<string> s_types = new(StringComparer.Ordinal)
    {
        "userPassword", "apiKey", "X509", "symmetricEncryption", "asymmetricEncryption", "httpApiKey", "http",
        "oauth2", "openIdConnect", "plain", "scramSha256", "scramSha512", "gssapi",
    };

    /// <summary>A scheme of an AsyncAPI 3.0 type; the factories cover the usual ones.</summary>
    /// <param name="type">The AsyncAPI type, e.g. <c>httpApiKey</c> or <c>http</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not an AsyncAPI 3.0 security scheme type.</exception>
    public AsyncApiSecurityScheme(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!s_types.Contains(type))
        {
            throw new ArgumentException($"\"{type}\" is no AsyncAPI 3.0 security scheme type; use one of: {string.Join(", ", s_types)}.", nameof(type));
        }

        Type = type;
    }

    /// <summary>The AsyncAPI type (<c>type</c>).</summary>
    public string Type { get; }

    /// <summary>What the client sends, for readers of the document (<c>description</c>, CommonMark), or null.</summary>
    public string? Description { get; init; }

    /// <summary>For <c>httpApiKey</c>: the name of the query parameter, header or cookie (<c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>For <c>httpApiKey</c>: where it travels, <c>query</c>, <c>header</c> or <c>cookie</c> (<c>in</c>).</summary>
    public string? In { get; init; }

    /// <summary>For <c>http</c>: the HTTP authorization scheme, e.g. <c>bearer</c> (<c>scheme</c>).</summary>
    public string? Scheme { get; init; }

    /// <summary>For <c>http</c> with <c>bearer</c>: the token's format, e.g. <c>JWT</c> (<c>bearerFormat</c>).</summary>
    public string? BearerFormat { get; init; }

    /// <summary>
    /// A token in a query parameter of the handshake URL (<c>httpApiKey</c> in <c>query</c>): how browsers send a
    /// bearer token on a WebSocket, read by JwtBearer's <c>OnMessageReceived</c> as SignalR does.
    /// </summary>
    /// <param name="name">The query parameter. Default <c>access_token</c>.</param>
    public static AsyncApiSecurityScheme QueryToken(string name = "access_token") => new("httpApiKey")
    {
        Name = name,
        In = "query",
        Description = $"A bearer token in the handshake URL (`?{name}=...`), which browsers can send on a WebSocket.",
    };

    /// <summary>A sign-in cookie the browser sends with the handshake (<c>httpApiKey</c> in <c>cookie</c>).</summary>
    /// <param name="name">The cookie's name.</param>
    public static AsyncApiSecurityScheme Cookie(string name) => new("httpApiKey")
    {
        Name = name,
        In = "cookie",
        Description = "The sign-in cookie, sent by the browser with the handshake (only from the application's own origin).",
    };

    /// <summary>An <c>Authorization: Bearer</c> header (<c>http</c>, <c>bearer</c>): for clients that can set headers, not browsers.</summary>
    /// <param name="format">The token's format, e.g. <c>JWT</c>, or null.</param>
    public static AsyncApiSecurityScheme BearerHeader(string? format = "JWT") => new("http")
    {
        Scheme = "bearer",
        BearerFormat = format,
        Description = "An `Authorization: Bearer` header on the handshake (clients that can set headers; browsers cannot).",
    };

    /// <summary>Checks the configured schemes when the document is mapped: their keys and the fields their types require.</summary>
    /// <exception cref="ArgumentException">A key is not a valid AsyncAPI key (letters, digits, <c>.</c>, <c>-</c>, <c>_</c>), or a scheme lacks a field its type requires.</exception>
    internal static void Check(IDictionary<string, AsyncApiSecurityScheme> schemes)
    {
        foreach (var (key, scheme) in schemes)
        {
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"\"{key}\" is no valid AsyncAPI security scheme key: use letters, digits, '.', '-' and '_'.", nameof(schemes));
            }

            scheme.Validate(key);
        }
    }

    /// <summary>The Security Scheme Object.</summary>
    internal System.Text.Json.Nodes.JsonObject ToJson()
    {
        var result = new System.Text.Json.Nodes.JsonObject { ["type"] = Type };
        foreach (var (name, value) in new[] { ("description", Description), ("name", Name), ("in", In), ("scheme", Scheme), ("bearerFormat", BearerFormat) })
        {
            if (value is not null)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>Checks the fields the type requires.</summary>
    /// <exception cref="ArgumentException">An <c>httpApiKey</c> without a name or with another <c>in</c> than query, header or cookie; an <c>http</c> without a scheme.</exception>
    private void Validate(string key)
    {
        if (Type == "httpApiKey" && (string.IsNullOrEmpty(Name) || In is not ("query" or "header" or "cookie")))
        {
            throw new ArgumentException($"The AsyncAPI security scheme \"{key}\" (httpApiKey) needs a Name and In = \"query\", \"header\" or \"cookie\".");
        }

        if (Type == "http" && string.IsNullOrEmpty(Scheme))
        {
            throw new ArgumentException($"The AsyncAPI security scheme \"{key}\" (http) needs a Scheme, e.g. \"bearer\".");
        }
    }
}
