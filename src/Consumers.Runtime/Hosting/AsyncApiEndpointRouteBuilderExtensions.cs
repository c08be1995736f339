using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Consumers.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the AsyncAPI document of the mapped consumer endpoints.</summary>
public static class AsyncApiEndpointRouteBuilderExtensions
{
    /// <summary>The default path of the document.</summary>
    public const string DefaultPattern = "/consumers/asyncapi.json";

    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to an AsyncAPI 3.0 document (JSON) of every consumer endpoint mapped
    /// on <paramref name="endpoints"/> (<c>MapConsumer</c>, <c>MapConsumers</c>), before or after this call: one channel
    /// per endpoint and stream, a <c>receive</c> operation with a reply per action, a <c>send</c> operation per model
    /// observer, payload schemas from the System.Text.Json source-generated metadata (<c>JsonSchemaExporter</c>, no
    /// reflection). Only the actions a consumer offers are listed: an inherited action its flags property switches off
    /// (<c>[EnabledBy]</c>, e.g. <c>ModelConsumer.Actions</c>) is not. The operations of an endpoint that requires
    /// authorization (a consumer's class-level <c>[Authorize]</c>, or <c>RequireAuthorization()</c> on the endpoint) list
    /// <see cref="AsyncApiOptions.SecuritySchemes"/> as their <c>security</c>. The document is built on the first request
    /// and then served from memory, as OpenAPI documents are.
    /// </summary>
    /// <param name="endpoints">The route builder the consumer endpoints are mapped on.</param>
    /// <param name="pattern">The document's path. Default <c>/consumers/asyncapi.json</c>.</param>
    /// <param name="configure">Sets the document's <c>info</c> (title, version, description).</param>
    /// <returns>The endpoint's convention builder (for <c>RequireAuthorization</c>, ...).</returns>
    /// <exception cref="ArgumentException">A security scheme's key is not a valid AsyncAPI key, or the scheme lacks a field its type requires.</exception>
    public static IEndpointConventionBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = DefaultPattern, Action<AsyncApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new AsyncApiOptions();
        configure?.Invoke(options);
        AsyncApiSecurityScheme.Check(options.SecuritySchemes);
        var title = options.Title ?? endpoints.ServiceProvider.GetService<IHostEnvironment>()?.ApplicationName ?? "Consumers";
        var sources = endpoints.DataSources;
        var document = new Lazy<byte[]>(() => Serialize(AsyncApiDocument.Build(
            sources.SelectMany(s => s.Endpoints)
                .OfType<RouteEndpoint>()
                .Select(e => (e.RoutePattern, Contract: e.Metadata.GetMetadata<ConsumerEndpointContract>(), e.Metadata))
                .Where(e => e.Contract is not null)
                .Select(e => (e.RoutePattern, e.Contract!, e.Contract!.RequiresAuthorization || RequiresAuthorization(e.Metadata))),
            title,
            options)));
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(document.Value).AsTask();
        }).WithDisplayName("Consumers AsyncAPI document");
    }

    // RequireAuthorization() or [Authorize] on the endpoint itself, as the authorization middleware reads it.
    private static bool RequiresAuthorization(EndpointMetadataCollection metadata)
        => metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null &&
            (metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null ||
             metadata.GetMetadata<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>() is not null);

    private static byte[] Serialize(System.Text.Json.Nodes.JsonNode document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
