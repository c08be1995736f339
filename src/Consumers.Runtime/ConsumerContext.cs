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
    internal ConsumerContext(ConsumerConnection connection, HttpContext httpContext, string? stream, IServiceProvider services, IGroupLayer groupLayer, Security.SecurityRequirements? security = null)
    {
        Security = security ?? Consumers.Security.SecurityRequirements.None;
        Connection = connection;
        GroupLayer = groupLayer;
        ChannelName = stream is null ? connection.Id : connection.Id + "#" + stream;
        HttpContext = httpContext;
        Stream = stream;
        Services = services;
        StreamPrefix = stream is null ? null : StreamFraming.EncodePrefix(stream);
    }

    internal ConsumerConnection Connection { get; }

    internal IGroupLayer GroupLayer { get; }

    /// <summary>The consumer class's requirements: its permissions apply to every action.</summary>
    internal Security.SecurityRequirements Security { get; }

    /// <summary>
    /// This consumer's address for <see cref="IGroupLayer.SendToChannelAsync"/> (Channels' <c>channel_name</c>):
    /// <c>node.connection</c>, plus <c>#stream</c> on a multiplexed endpoint. Unique across the nodes of a group layer.
    /// </summary>
    public string ChannelName { get; }

    /// <summary>The UTF-8 bytes <c>{"stream":"name","payload":</c> for multiplexed connections, else null.</summary>
    internal byte[]? StreamPrefix { get; }

    /// <summary>A server-unique id of the connection, also used in log scopes (<c>ConnectionId</c>).</summary>
    public string ConnectionId => Connection.Id;

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
    public CancellationToken ConnectionAborted => Connection.Aborted;
}
