using Consumers;
using Consumers.Groups;
using Consumers.Observers;
using Consumers.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Consumers runtime.</summary>
public static class ConsumersServiceCollectionExtensions
{
    private const string MissingNatsPackage =
        "Consumers:GroupLayer = Nats needs the Consumers.Nats package: reference it and call AddNatsGroupLayer(configuration) on the builder " +
        "that AddConsumers returns (builder.Services.AddConsumers(builder.Configuration).AddNatsGroupLayer(builder.Configuration)).";

    /// <summary>
    /// Adds the Consumers runtime: connection options, ASP.NET Core's WebSockets middleware (added at the start
    /// of the pipeline, so the app need not call <c>UseWebSockets()</c>), ASP.NET Core's authorization services
    /// (<c>AddAuthorization()</c>, which evaluate <c>[Authorize]</c> on consumers and actions), the in-memory group
    /// layer (unless another group layer is registered, such as <c>Consumers.Nats</c>'s) and <see cref="IGroupSender"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Optional changes to the <see cref="ConsumerOptions"/> defaults.</param>
    /// <returns>A builder for further Consumers configuration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">At first use, when an option is out of range.</exception>
    public static ConsumersBuilder AddConsumers(this IServiceCollection services, Action<ConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ConsumerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(static o => o.Validate());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, WebSocketsStartupFilter>());
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<Consumers.Security.ConnectionLimiter>();
        services.TryAddSingleton<Consumers.Security.SubscriptionLimiter>();
        services.TryAddSingleton(Consumers.Security.OriginValidator.Create);

        // consumers.resume: tokens protected with the app's Data Protection key ring, and this node's sessions.
        services.AddDataProtection();
        services.TryAddSingleton<Consumers.Security.ResumeTokens>();
        services.TryAddSingleton<Consumers.Connections.ResumeSessions>();

        // [Authorize] on consumers and actions is evaluated with ASP.NET Core's services (TryAdd: the app's own
        // AddAuthorization() options still apply).
        services.AddAuthorization();
        services.TryAddSingleton(static sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsumerOptions>>().Value;
            return new Consumers.Dispatch.ActionPipeline(o.Filters, o.ValidateDataAnnotations);
        });
        services.TryAddSingleton<LocalGroups>();
        services.TryAddSingleton<IGroupLayer, InMemoryGroupLayer>();
        services.TryAddSingleton<IGroupSender, GroupSender>();
        services.TryAddSingleton(static sp => new ObserverRegistry(sp.GetServices<ModelObserverBinding>()));
        services.TryAddSingleton<IModelChangePublisher, ModelChangePublisher>();
        services.TryAddSingleton<ModelChangeSources>();
        if (!services.Any(d => d.ServiceType == typeof(RegisteredServices)))
        {
            services.AddSingleton(new RegisteredServices(services));
            services.AddHostedService<ModelObserverSourceCheck>();
        }

        return new ConsumersBuilder(services);
    }

    /// <summary>
    /// Adds the Consumers runtime configured from the <c>Consumers</c> section: <c>MaxMessageSize</c>,
    /// <c>SendQueueCapacity</c>, <c>SendQueueMaxBytes</c>, <c>MaxSubscriptionsPerConsumer</c>, <c>MaxSubscriptionsPerUser</c>, <c>MaxJsonDepth</c>, <c>CloseTimeout</c>, <c>KeepAliveInterval</c>,
    /// <c>AllowedOrigins</c> (children, or one comma-separated value), <c>RateLimitPerSecond</c>,
    /// <c>RateLimitBurst</c>, <c>RateLimitAbuseThreshold</c>, <c>MaxConnections</c>, <c>MaxConnectionsPerUser</c>,
    /// <c>MaxConnectionsPerAddress</c>, <c>HandshakeTimeout</c>, <c>IdleTimeout</c>, <c>FragmentedMessageTimeout</c>, <c>ResumeWindow</c>, <c>ResumeBufferBytes</c> (see <see cref="ConsumerOptions"/>), and
    /// <c>GroupLayer</c>: <c>InMemory</c> (the default) or <c>Nats</c>, so switching layers is configuration, not code
    /// (e.g. the environment variable <c>Consumers__GroupLayer=Nats</c>). The NATS layer lives in the
    /// <c>Consumers.Nats</c> package: with <c>Nats</c> the application must also call its
    /// <c>AddNatsGroupLayer(configuration)</c> on the returned builder, or the host fails to start saying so.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The application's configuration root.</param>
    /// <param name="configure">Optional changes applied after the configuration.</param>
    /// <returns>A builder for further Consumers configuration.</returns>
    /// <exception cref="InvalidOperationException"><c>Consumers:GroupLayer</c> names an unknown layer.</exception>
    public static ConsumersBuilder AddConsumers(this IServiceCollection services, IConfiguration configuration, Action<ConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Consumers");
        var builder = services.AddConsumers(options =>
        {
            ConfigurationReader.Read(section, "MaxMessageSize", (int v) => options.MaxMessageSize = v);
            ConfigurationReader.Read(section, "SendQueueCapacity", (int v) => options.SendQueueCapacity = v);
            ConfigurationReader.Read(section, "SendQueueMaxBytes", (int v) => options.SendQueueMaxBytes = v);
            ConfigurationReader.Read(section, "MaxSubscriptionsPerConsumer", (int v) => options.MaxSubscriptionsPerConsumer = v);
            ConfigurationReader.Read(section, "MaxSubscriptionsPerUser", (int v) => options.MaxSubscriptionsPerUser = v);
            ConfigurationReader.Read(section, "MaxJsonDepth", (int v) => options.MaxJsonDepth = v);
            ConfigurationReader.Read(section, "CloseTimeout", (TimeSpan v) => options.CloseTimeout = v);
            ConfigurationReader.Read(section, "KeepAliveInterval", (TimeSpan v) => options.KeepAliveInterval = v);
            ConfigurationReader.ReadList(section, "AllowedOrigins", "AllowedOrigins", origins =>
            {
                options.AllowedOrigins.Clear();
                foreach (var origin in origins)
                {
                    options.AllowedOrigins.Add(origin);
                }
            });
            ConfigurationReader.Read(section, "RateLimitPerSecond", (double v) => options.RateLimitPerSecond = v);
            ConfigurationReader.Read(section, "RateLimitBurst", (int v) => options.RateLimitBurst = v);
            ConfigurationReader.Read(section, "RateLimitAbuseThreshold", (int v) => options.RateLimitAbuseThreshold = v);
            ConfigurationReader.Read(section, "MaxConnections", (int v) => options.MaxConnections = v);
            ConfigurationReader.Read(section, "MaxConnectionsPerUser", (int v) => options.MaxConnectionsPerUser = v);
            ConfigurationReader.Read(section, "MaxConnectionsPerAddress", (int v) => options.MaxConnectionsPerAddress = v);
            ConfigurationReader.Read(section, "HandshakeTimeout", (TimeSpan v) => options.HandshakeTimeout = v);
            ConfigurationReader.Read(section, "IdleTimeout", (TimeSpan v) => options.IdleTimeout = v);
            ConfigurationReader.Read(section, "FragmentedMessageTimeout", (TimeSpan v) => options.FragmentedMessageTimeout = v);
            ConfigurationReader.Read(section, "ResumeWindow", (TimeSpan v) => options.ResumeWindow = v);
            ConfigurationReader.Read(section, "ResumeBufferBytes", (int v) => options.ResumeBufferBytes = v);
            ConfigurationReader.Read(section, "ValidateDataAnnotations", (bool v) => options.ValidateDataAnnotations = v);
            configure?.Invoke(options);
        });
        switch (section["GroupLayer"])
        {
            case null or "" or "InMemory":
                break;
            case "Nats":
                // Consumers.Nats replaces this stand-in when the application registers it.
                services.RemoveAll<IGroupLayer>();
                services.AddSingleton<IGroupLayer>(static _ => throw new InvalidOperationException(MissingNatsPackage));
                services.AddHostedService<GroupLayerStartupCheck>();
                break;
            case var other:
                throw new InvalidOperationException($"Consumers:GroupLayer = \"{other}\" is not a group layer; use \"InMemory\" or \"Nats\".");
        }

        return builder;
    }
}
