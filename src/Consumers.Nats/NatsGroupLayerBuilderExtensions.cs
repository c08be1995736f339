using Consumers.Groups;
using Consumers.Hosting;
using Consumers.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the NATS group layer (package <c>Consumers.Nats</c>) in place of the in-memory one.</summary>
public static class NatsGroupLayerBuilderExtensions
{
    /// <summary>
    /// Uses NATS as the group layer when <c>Consumers:GroupLayer</c> is <c>Nats</c> or absent (with <c>InMemory</c> it
    /// leaves the in-memory layer, so one build switches layers by configuration), with settings from
    /// <c>Consumers:Nats</c>: <c>Url</c> (comma-separated) or <c>Urls</c> (a list), <c>ServersInOrder</c>, <c>SubjectPrefix</c>,
    /// <c>Username</c>, <c>Password</c>, <c>Token</c>, <c>CredsFile</c>, <c>NKeyFile</c>, <c>Tls:Mode</c>,
    /// <c>Tls:CaFile</c>, <c>Tls:CertFile</c>, <c>Tls:KeyFile</c>, <c>ReconnectBufferSize</c> (bytes),
    /// <c>PublishTimeout</c>, <c>ConnectTimeout</c>, <c>ReconnectWait</c>, <c>ReplayWindow</c>, <c>ClockSkew</c> (hh:mm:ss),
    /// <c>JetStream</c> (true/false), <c>StreamReplicas</c>, <c>SubscriptionCapacity</c> (see <see cref="NatsGroupLayerOptions"/>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddConsumers()</c>.</param>
    /// <param name="configuration">The application's configuration (the root; the sections are found by path).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">At start-up, when a value cannot be read or no server answers.</exception>
    public static ConsumersBuilder AddNatsGroupLayer(this ConsumersBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["Consumers:GroupLayer"], "InMemory", StringComparison.Ordinal))
        {
            return builder;
        }

        return builder.AddNatsGroupLayer(options => Bind(configuration.GetSection("Consumers:Nats"), options));
    }

    /// <summary>Uses NATS as the group layer, configured in code; the layer makes and owns its connection.</summary>
    /// <param name="builder">The builder returned by <c>AddConsumers()</c>.</param>
    /// <param name="configure">Sets the <see cref="NatsGroupLayerOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ConsumersBuilder AddNatsGroupLayer(this ConsumersBuilder builder, Action<NatsGroupLayerOptions> configure)
        => Register(builder, configure, connection: null);

    /// <summary>
    /// Uses NATS as the group layer over a connection the application already has (for example the
    /// <see cref="INatsConnection"/> registered by NATS.Client.Hosting's <c>AddNats</c>). The layer connects it at
    /// start-up if needed and never disposes it; its URL, credentials, TLS and reconnect settings are the
    /// application's, and the layer's connection settings in <paramref name="configure"/> are ignored.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddConsumers()</c>.</param>
    /// <param name="connection">Returns the connection.</param>
    /// <param name="configure">Sets the other <see cref="NatsGroupLayerOptions"/> (subject prefix, bounds, JetStream).</param>
    /// <returns>The builder.</returns>
    public static ConsumersBuilder AddNatsGroupLayer(this ConsumersBuilder builder, Func<IServiceProvider, INatsConnection> connection, Action<NatsGroupLayerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Register(builder, configure ?? (static _ => { }), connection);
    }

    internal static void Bind(IConfigurationSection section, NatsGroupLayerOptions options)
    {
        ConfigurationReader.ReadList(section, "Url", "Urls", urls => options.Urls = urls);
        ConfigurationReader.Read(section, "ServersInOrder", (bool v) => options.ServersInOrder = v);
        ConfigurationReader.Read(section, "SubjectPrefix", (string v) => options.SubjectPrefix = v);
        ConfigurationReader.Read(section, "Username", (string v) => options.Username = v);
        ConfigurationReader.Read(section, "Password", (string v) => options.Password = v);
        ConfigurationReader.Read(section, "Token", (string v) => options.Token = v);
        ConfigurationReader.Read(section, "CredsFile", (string v) => options.CredsFile = v);
        ConfigurationReader.Read(section, "NKeyFile", (string v) => options.NKeyFile = v);
        var tls = section.GetSection("Tls");
        ConfigurationReader.Read(tls, "Mode", (string v) => options.Tls.Mode = Enum.TryParse<TlsMode>(v, ignoreCase: true, out var mode)
            ? mode
            : throw new InvalidOperationException($"{tls.Path}:Mode = \"{v}\" is not one of {string.Join(", ", Enum.GetNames<TlsMode>())}."));
        ConfigurationReader.Read(tls, "CaFile", (string v) => options.Tls.CaFile = v);
        ConfigurationReader.Read(tls, "CertFile", (string v) => options.Tls.CertFile = v);
        ConfigurationReader.Read(tls, "KeyFile", (string v) => options.Tls.KeyFile = v);
        ConfigurationReader.Read(section, "ReconnectBufferSize", (int v) => options.ReconnectBufferSize = v);
        ConfigurationReader.Read(section, "PublishTimeout", (TimeSpan v) => options.PublishTimeout = v);
        ConfigurationReader.Read(section, "ConnectTimeout", (TimeSpan v) => options.ConnectTimeout = v);
        ConfigurationReader.Read(section, "ReconnectWait", (TimeSpan v) => options.ReconnectWait = v);
        ConfigurationReader.Read(section, "ReplayWindow", (TimeSpan v) => options.ReplayWindow = v);
        ConfigurationReader.Read(section, "ClockSkew", (TimeSpan v) => options.ClockSkew = v);
        ConfigurationReader.Read(section, "JetStream", (bool v) => options.JetStream = v);
        ConfigurationReader.Read(section, "StreamReplicas", (int v) => options.StreamReplicas = v);
        ConfigurationReader.Read(section, "SubscriptionCapacity", (int v) => options.SubscriptionCapacity = v);
    }

    private static ConsumersBuilder Register(ConsumersBuilder builder, Action<NatsGroupLayerOptions> configure, Func<IServiceProvider, INatsConnection>? connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        var first = !services.Any(static d => d.ServiceType == typeof(NatsGroupLayer));
        services.AddOptions<NatsGroupLayerOptions>().Configure(configure);
        services.RemoveAll<NatsGroupLayer>();
        services.AddSingleton(sp => new NatsGroupLayer(
            sp.GetRequiredService<LocalGroups>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<IOptions<NatsGroupLayerOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            connection?.Invoke(sp)));
        services.RemoveAll<IGroupLayer>();
        services.AddSingleton<IGroupLayer>(static sp => sp.GetRequiredService<NatsGroupLayer>());
        if (first)
        {
            services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<NatsGroupLayer>());
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                NatsGroupLayerHealthCheck.Name,
                static sp => new NatsGroupLayerHealthCheck(sp.GetRequiredService<NatsGroupLayer>()),
                failureStatus: null,
                tags: ["consumers", "nats"]));
        }

        return builder;
    }
}
