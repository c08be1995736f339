using Consumers.Groups;
using Consumers.Groups.Nats;
using Consumers.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the NATS group layer in place of the in-memory one.</summary>
public static class NatsConsumersBuilderExtensions
{
    /// <summary>
    /// Uses NATS as the group layer, with settings from the <c>Consumers:Nats</c> section: <c>Url</c> (comma-separated)
    /// or <c>Urls</c> (a list), <c>SubjectPrefix</c>, <c>Username</c>, <c>Password</c>, <c>Token</c>,
    /// <c>ReconnectBufferSize</c> (bytes), <c>ConnectTimeout</c> (hh:mm:ss). The host connects at start-up and fails
    /// to start, naming the URLs, when no server answers within the connect timeout.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddConsumers()</c>.</param>
    /// <param name="configuration">The application's configuration (the root; the section is found by path).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">At start-up, when a value cannot be read or no server answers.</exception>
    public static ConsumersBuilder AddNatsGroupLayer(this ConsumersBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddNatsGroupLayer(options => Bind(configuration.GetSection("Consumers:Nats"), options));
    }

    /// <summary>Uses NATS as the group layer, configured in code.</summary>
    /// <param name="builder">The builder returned by <c>AddConsumers()</c>.</param>
    /// <param name="configure">Sets the <see cref="NatsGroupLayerOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ConsumersBuilder AddNatsGroupLayer(this ConsumersBuilder builder, Action<NatsGroupLayerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<NatsGroupLayerOptions>().Configure(configure);
        services.TryAddSingleton<NatsGroupLayer>();
        services.RemoveAll<IGroupLayer>();
        services.AddSingleton<IGroupLayer>(static sp => sp.GetRequiredService<NatsGroupLayer>());
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<NatsGroupLayer>());
        return builder;
    }

    internal static void Bind(IConfigurationSection section, NatsGroupLayerOptions options)
    {
        ConfigurationReader.ReadList(section, "Url", "Urls", urls => options.Urls = urls);
        ConfigurationReader.Read(section, "SubjectPrefix", (string v) => options.SubjectPrefix = v);
        ConfigurationReader.Read(section, "Username", (string v) => options.Username = v);
        ConfigurationReader.Read(section, "Password", (string v) => options.Password = v);
        ConfigurationReader.Read(section, "Token", (string v) => options.Token = v);
        ConfigurationReader.Read(section, "ReconnectBufferSize", (int v) => options.ReconnectBufferSize = v);
        ConfigurationReader.Read(section, "ConnectTimeout", (TimeSpan v) => options.ConnectTimeout = v);
    }
}
