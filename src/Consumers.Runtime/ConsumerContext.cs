using System.Security.Claims;
using System.Text.Json;
using Consumers.Connections;
using Consumers.Groups;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Consumers;

/// <summary>
/// What a consumer knows about its connection: the Channels <c>scope</c> of Consumers.
/// </summary>
public sealed class ConsumerContext
{
    internal ConsumerContext(ConsumerChannel channel, HttpContext httpContext, string? stream, IServiceProvider services, Security.SecurityRequirements? security = null)
    {
        Security = security ?? Consumers.Security.SecurityRequirements.None;
        Channel = channel;
        HttpContext = httpContext;
        Stream = stream;
        Services = services;
    }

    /// <summary>The consumer's channel on its connection.</summary>
    internal ConsumerChannel Channel { get; }

    /// <summary>The consumer class's requirements: its permissions apply to every action.</summary>
    internal Security.SecurityRequirements Security { get; }

    /// <summary>The global filters of this consumer on its connection (<c>o.AddFilter&lt;T&gt;()</c>), made once, when it is created.</summary>
    internal IConsumerFilter[] Filters => _filters ??= Dispatch.ActionPipeline.Of(Services).FiltersFor(Services);

    private IConsumerFilter[]? _filters;

    /// <summary>
    /// This consumer's address for <see cref="IGroupLayer.SendToChannelAsync"/> (Channels' <c>channel_name</c>):
    /// <c>node.connection</c>, plus <c>#stream</c> on a multiplexed endpoint. Unique across the nodes of a group layer.
    /// </summary>
    public string ChannelName => Channel.ChannelName;

    /// <summary>A server-unique id of the connection, also used in log scopes (<c>ConnectionId</c>).</summary>
    public string ConnectionId => Channel.Connection.Id;

    /// <summary>The HTTP context of the upgrade request (headers, query string, connection info).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authenticated user of the upgrade request (an anonymous principal when none).</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>Route values of the endpoint pattern, e.g. <c>room</c> for <c>/ws/rooms/{room}</c>.</summary>
    public RouteValueDictionary RouteValues => HttpContext.Request.RouteValues;

    /// <summary>The stream name on a multiplexed endpoint; <see langword="null"/> on a plain endpoint.</summary>
    public string? Stream { get; }

    /// <summary>The connection's DI scope: scoped services live as long as the connection.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Cancelled when the connection ends for any reason.</summary>
    public CancellationToken ConnectionAborted => Channel.Connection.Aborted;
}
