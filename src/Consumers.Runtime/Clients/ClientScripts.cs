using System.ComponentModel;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Consumers.Clients;

/// <summary>
/// Serves the JavaScript client the source generator writes for an assembly's consumers. Called by the generated
/// <c>MapConsumersClient()</c> extension of that assembly, which carries the texts as constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ClientScripts
{
    /// <summary>
    /// Maps <c>GET {prefix}/client.js</c> (<c>text/javascript</c>, an ES module) and <c>GET {prefix}/client.d.ts</c>
    /// (<c>application/typescript</c>), both with an ETag so that browsers revalidate instead of downloading again.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The path both files are served under, e.g. <c>/consumers</c>.</param>
    /// <param name="javaScript">The module's text.</param>
    /// <param name="typeScript">The declarations' text.</param>
    /// <returns>The convention builder of both endpoints.</returns>
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string prefix, string javaScript, string typeScript)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix);
        MapFile(group, "/client.js", "text/javascript; charset=utf-8", javaScript);
        MapFile(group, "/client.d.ts", "application/typescript; charset=utf-8", typeScript);
        return group;
    }

    private static void MapFile(RouteGroupBuilder group, string path, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes).AsSpan(0, 8)) + "\"";
        group.MapGet(path, (HttpContext context) =>
        {
            context.Response.Headers.ETag = etag;
            context.Response.Headers.CacheControl = "no-cache";
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.ContentType = contentType;
            return context.Response.Body.WriteAsync(bytes).AsTask();
        }).WithDisplayName("Consumers client " + path);
    }
}
