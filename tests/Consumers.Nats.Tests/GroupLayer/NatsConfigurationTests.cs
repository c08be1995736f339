using Consumers.Testing.Nats;
using Consumers.Groups;
using Consumers.Nats.Tests.GroupLayer;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Consumers.Nats.Tests;

/// <summary><c>Consumers:GroupLayer</c>, <c>Consumers:Nats:*</c> and the ways to register the layer.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsConfigurationTests
{
    [Test]
    public async Task GroupLayerNats_WithThePackageRegistered_IsTheNatsLayer()
    {
        await using var server = await NatsServer.StartAsync();
        var configuration = Configuration(new()
        {
            ["Consumers:GroupLayer"] = "Nats",
            ["Consumers:Nats:Url"] = server.Url,
            ["Consumers:Nats:SubjectPrefix"] = "app1",
            ["Consumers:MaxMessageSize"] = "2048",
        });
        var services = new ServiceCollection().AddLogging();
        services.AddConsumers(configuration).AddNatsGroupLayer(configuration);
        await using var provider = services.BuildServiceProvider();
        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IGroupLayer>(), Is.InstanceOf<NatsGroupLayer>());
            Assert.That(provider.GetRequiredService<IOptions<NatsGroupLayerOptions>>().Value.Urls, Is.EqualTo(new[] { server.Url }));
            Assert.That(provider.GetRequiredService<IOptions<NatsGroupLayerOptions>>().Value.SubjectPrefix, Is.EqualTo("app1"));
            Assert.That(provider.GetRequiredService<IOptions<ConsumerOptions>>().Value.MaxMessageSize, Is.EqualTo(2048));
        });
    }

    [Test]
    public void GroupLayerInMemory_WithThePackageRegistered_StaysInMemory()
    {
        var configuration = Configuration(new() { ["Consumers:GroupLayer"] = "InMemory" });
        var services = new ServiceCollection().AddLogging();
        services.AddConsumers(configuration).AddNatsGroupLayer(configuration);
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IGroupLayer>().GetType().Name, Is.EqualTo("InMemoryGroupLayer"));
    }

    [Test]
    public void GroupLayerNats_WithoutThePackageRegistered_FailsStartUp_NamingThePackageAndTheCall()
    {
        var configuration = Configuration(new() { ["Consumers:GroupLayer"] = "Nats" });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddConsumers(configuration);
        var app = builder.Build();
        var exception = Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.That(exception!.Message, Does.Contain("Consumers.Nats").And.Contains("AddNatsGroupLayer(configuration)"));
    }

    [Test]
    public void DefaultGroupLayer_IsInMemory()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddConsumers(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IGroupLayer>().GetType().Name, Is.EqualTo("InMemoryGroupLayer"));
    }

    [Test]
    public void UnknownGroupLayer_IsAClearError()
    {
        var configuration = Configuration(new() { ["Consumers:GroupLayer"] = "Redis" });
        Assert.That(() => new ServiceCollection().AddConsumers(configuration), Throws.InvalidOperationException.With.Message.Contains("\"Redis\" is not a group layer"));
    }

    [Test]
    public void UnreadableSetting_NamesTheKey()
    {
        var configuration = Configuration(new() { ["Consumers:GroupLayer"] = "Nats", ["Consumers:Nats:ReconnectBufferSize"] = "lots" });
        var services = new ServiceCollection().AddLogging();
        services.AddConsumers(configuration).AddNatsGroupLayer(configuration);
        using var provider = services.BuildServiceProvider();
        Assert.That(
            () => provider.GetRequiredService<IOptions<NatsGroupLayerOptions>>().Value,
            Throws.InvalidOperationException.With.Message.Contains("Consumers:Nats:ReconnectBufferSize = \"lots\""));
    }

    [Test]
    public void UnknownTlsMode_NamesTheKeyAndTheModes()
    {
        var configuration = Configuration(new() { ["Consumers:Nats:Tls:Mode"] = "Sometimes" });
        var services = new ServiceCollection().AddLogging();
        services.AddConsumers(configuration).AddNatsGroupLayer(configuration);
        using var provider = services.BuildServiceProvider();
        Assert.That(
            () => provider.GetRequiredService<IOptions<NatsGroupLayerOptions>>().Value,
            Throws.InvalidOperationException.With.Message.Contains("Consumers:Nats:Tls:Mode = \"Sometimes\"").And.Message.Contains("Require"));
    }

    [Test]
    public void Settings_MapOntoNatsOpts()
    {
        var configuration = Configuration(new()
        {
            ["Consumers:Nats:Urls:0"] = "nats://10.0.0.1:4222",
            ["Consumers:Nats:Urls:1"] = "nats://10.0.0.2:4222",
            ["Consumers:Nats:Username"] = "u",
            ["Consumers:Nats:Password"] = "p",
            ["Consumers:Nats:Token"] = "t",
            ["Consumers:Nats:CredsFile"] = "/etc/app.creds",
            ["Consumers:Nats:NKeyFile"] = "/etc/app.nk",
            ["Consumers:Nats:Tls:Mode"] = "require",
            ["Consumers:Nats:Tls:CaFile"] = "/etc/ca.pem",
            ["Consumers:Nats:Tls:CertFile"] = "/etc/cert.pem",
            ["Consumers:Nats:Tls:KeyFile"] = "/etc/key.pem",
            ["Consumers:Nats:ReconnectWait"] = "00:00:00.250",
            ["Consumers:Nats:ReconnectBufferSize"] = "1024",
            ["Consumers:Nats:PublishTimeout"] = "00:00:03",
            ["Consumers:Nats:ReplayWindow"] = "00:00:30",
            ["Consumers:Nats:ClockSkew"] = "00:00:00.200",
            ["Consumers:Nats:JetStream"] = "false",
            ["Consumers:Nats:StreamReplicas"] = "3",
            ["Consumers:Nats:ServersInOrder"] = "true",
        });
        var options = new NatsGroupLayerOptions();
        NatsGroupLayerBuilderExtensions.Bind(configuration.GetSection("Consumers:Nats"), options);
        var opts = options.ToNatsOpts("n", Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Multiple(() =>
        {
            Assert.That(opts.Url, Is.EqualTo("nats://10.0.0.1:4222,nats://10.0.0.2:4222"));
            Assert.That(opts.Echo, Is.False, "each node serves its own members; its publishes must not come back");
            Assert.That(opts.AuthOpts.Username, Is.EqualTo("u"));
            Assert.That(opts.AuthOpts.Password, Is.EqualTo("p"));
            Assert.That(opts.AuthOpts.Token, Is.EqualTo("t"));
            Assert.That(opts.AuthOpts.CredsFile, Is.EqualTo("/etc/app.creds"));
            Assert.That(opts.AuthOpts.NKeyFile, Is.EqualTo("/etc/app.nk"));
            Assert.That(opts.TlsOpts.Mode, Is.EqualTo(TlsMode.Require));
            Assert.That(opts.TlsOpts.CaFile, Is.EqualTo("/etc/ca.pem"));
            Assert.That(opts.TlsOpts.CertFile, Is.EqualTo("/etc/cert.pem"));
            Assert.That(opts.TlsOpts.KeyFile, Is.EqualTo("/etc/key.pem"));
            Assert.That(opts.ReconnectWaitMin, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(opts.ReconnectWaitMax, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(options.ReconnectBufferSize, Is.EqualTo(1024));
            Assert.That(options.PublishTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(options.ReplayWindow, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.ClockSkew, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(options.JetStream, Is.False);
            Assert.That(options.StreamReplicas, Is.EqualTo(3));
            Assert.That(opts.NoRandomize, Is.True, "the first server of the list first");
        });
    }

    [Test]
    public void TheServerList_IsShuffledByDefault_AsNatsDoes()
        => Assert.That(new NatsGroupLayerOptions().ToNatsOpts("n", Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).NoRandomize, Is.False);

    [TestCase(0)]
    [TestCase(6)]
    public void StreamReplicas_OutsideOneToFive_AreRejected_NamingTheSetting(int replicas)
        => Assert.That(
            new NatsGroupLayerOptions { StreamReplicas = replicas }.Validate,
            Throws.ArgumentException.With.Message.Contains("Consumers:Nats:StreamReplicas = " + replicas));

    [Test]
    public async Task AConnectionTheAppHandsOver_CarriesGroupMessages_AndIsNotDisposedWithTheLayer()
    {
        await using var server = await NatsServer.StartAsync();

        // Echo on (NATS.Client.Core's default): the layer must still deliver its own sends once.
        await using var own = new NatsConnection(NatsOpts.Default with { Url = server.Url });
        var hostA = await TestHost.StartAsync(
            app => app.MapConsumer<ChatConsumer>("/ws/rooms/{room}"),
            consumers: c => c.AddNatsGroupLayer(_ => own));
        await using var hostB = await NatsHosts.StartAsync(server.Url);
        await using var a = await TestClient.ConnectAsync(hostA.WebSocketUri("/ws/rooms/own"));
        await using var b = await TestClient.ConnectAsync(hostB.WebSocketUri("/ws/rooms/own"));

        await a.SendAsync("""{"action": "say", "text": "handed over", "request_id": 1}""");
        Assert.That((await b.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("handed over"));
        Assert.That((await a.ReceiveAsync())["response_status"]!.GetValue<int>(), Is.EqualTo(200), "the reply before what the action caused");
        Assert.That((await a.ReceiveAsync())["text"]!.GetValue<string>(), Is.EqualTo("handed over"));
        var next = await a.RequestAsync("""{"action": "say", "text": "second", "request_id": 2}""");
        Assert.That(next["request_id"]!.GetValue<int>(), Is.EqualTo(2), "delivered once locally, not again through echo");

        await a.DisposeAsync();
        await hostA.DisposeAsync();
        Assert.That(own.ConnectionState, Is.EqualTo(NatsConnectionState.Open));
    }

    [Test]
    public void ANegativeClockSkew_IsRejected_NamingTheSetting()
        => Assert.That(
            new NatsGroupLayerOptions { ClockSkew = TimeSpan.FromSeconds(-1) }.Validate,
            Throws.ArgumentException.With.Message.Contains("Consumers:Nats:ClockSkew"));

    [Test]
    public void TheDefaults_KeepAMinuteOfOutage_AndAllowASecondOfClockSkew()
    {
        var options = new NatsGroupLayerOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.PublishTimeout, Is.EqualTo(options.ReplayWindow).And.EqualTo(TimeSpan.FromMinutes(1)), "what a node holds and what the stream keeps cover the same outage");
            Assert.That(options.ClockSkew, Is.EqualTo(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public void NoServer_FailsStartUp_NamingTheUrl()
    {
        var url = $"nats://127.0.0.1:{NatsServer.GetFreePort()}";
        var exception = Assert.ThrowsAsync<InvalidOperationException>(async () => await NatsHosts.StartAsync(url, o => o.ConnectTimeout = TimeSpan.FromSeconds(1)));
        Assert.That(exception!.Message, Does.Contain(url).And.Contains("could not connect"));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
