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
    /// reflection). The document is built on the first request and then served from memory, as OpenAPI documents are.
    /// </summary>
    /// <param name="endpoints">The route builder the consumer endpoints are mapped on.</param>
    /// <param name="pattern">The document's path. Default <c>/consumers/asyncapi.json</c>.</param>
    /// <param name="configure">Sets the document's <c>info</c> (title, version, description).</param>
    /// <returns>The endpoint's convention builder (for <c>RequireAuthorization</c>, ...).</returns>
    public static IEndpointConventionBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = DefaultPattern, Action<AsyncApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new AsyncApiOptions();
        configure?.Invoke(options);
        var title = options.Title ?? endpoints.ServiceProvider.GetService<IHostEnvironment>()?.ApplicationName ?? "Consumers";
        var sources = endpoints.DataSources;
        var document = new Lazy<byte[]>(() => Serialize(AsyncApiDocument.Build(
            sources.SelectMany(s => s.Endpoints)
                .OfType<RouteEndpoint>()
                .Select(e => (e.RoutePattern, Contract: e.Metadata.GetMetadata<ConsumerEndpointContract>()))
                .Where(e => e.Contract is not null)
                .Select(e => (e.RoutePattern, e.Contract!)),
            title,
            options)));
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(document.Value).AsTask();
        }).WithDisplayName("Consumers AsyncAPI document");
    }

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
