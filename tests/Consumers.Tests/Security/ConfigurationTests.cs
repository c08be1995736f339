using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Consumers.Tests.Security;

/// <summary>The security options read by AddConsumers(IConfiguration).</summary>
[TestFixture]
public sealed class ConfigurationTests
{
    private static ConsumerOptions Read(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddConsumers(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<ConsumerOptions>>().Value;
    }

    [Test]
    public void SecurityOptions_AreReadFromTheConsumersSection()
    {
        var options = Read(new()
        {
            ["Consumers:AllowedOrigins:0"] = "https://a.example",
            ["Consumers:AllowedOrigins:1"] = "https://b.example",
            ["Consumers:RateLimitPerSecond"] = "12.5",
            ["Consumers:RateLimitBurst"] = "30",
            ["Consumers:RateLimitAbuseThreshold"] = "0",
            ["Consumers:MaxConnections"] = "5",
            ["Consumers:MaxConnectionsPerUser"] = "2",
            ["Consumers:MaxConnectionsPerAddress"] = "3",
            ["Consumers:MaxSubscriptionsPerUser"] = "40",
            ["Consumers:HandshakeTimeout"] = "00:00:02",
            ["Consumers:IdleTimeout"] = "00:05:00",
            ["Consumers:FragmentedMessageTimeout"] = "00:00:07",
            ["Consumers:ValidateDataAnnotations"] = "false",
        });
        Assert.Multiple(() =>
        {
            Assert.That(options.AllowedOrigins, Is.EqualTo(new[] { "https://a.example", "https://b.example" }));
            Assert.That(options.RateLimitPerSecond, Is.EqualTo(12.5));
            Assert.That(options.RateLimitBurst, Is.EqualTo(30));
            Assert.That(options.RateLimitAbuseThreshold, Is.Zero);
            Assert.That(options.MaxConnections, Is.EqualTo(5));
            Assert.That(options.MaxConnectionsPerUser, Is.EqualTo(2));
            Assert.That(options.MaxConnectionsPerAddress, Is.EqualTo(3));
            Assert.That(options.MaxSubscriptionsPerUser, Is.EqualTo(40));
            Assert.That(options.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.IdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(options.FragmentedMessageTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(options.ValidateDataAnnotations, Is.False);
        });
    }

    [Test]
    public void AllowedOrigins_MayBeOneCommaSeparatedValue()
        => Assert.That(Read(new() { ["Consumers:AllowedOrigins"] = "https://a.example, https://b.example" }).AllowedOrigins, Has.Count.EqualTo(2));

    [Test]
    public void Defaults_WithoutConfiguration()
    {
        var options = Read([]);
        Assert.Multiple(() =>
        {
            Assert.That(options.AllowedOrigins, Is.Empty);
            Assert.That(options.RateLimitPerSecond, Is.EqualTo(100));
            Assert.That(options.RateLimitBurst, Is.EqualTo(200));
            Assert.That(options.RateLimitAbuseThreshold, Is.EqualTo(500));
            Assert.That(options.MaxConnections, Is.EqualTo(10_000));
            Assert.That(options.MaxConnectionsPerUser, Is.EqualTo(100));
            Assert.That(options.MaxConnectionsPerAddress, Is.EqualTo(1_000));
            Assert.That(options.MaxSubscriptionsPerUser, Is.EqualTo(500));
            Assert.That(options.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.IdleTimeout, Is.EqualTo(TimeSpan.Zero));
            Assert.That(options.FragmentedMessageTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.ValidateDataAnnotations, Is.True);
        });
    }

    [Test]
    public void RateLimitThatIsNotANumber_FailsNamingTheKey()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Read(new() { ["Consumers:RateLimitPerSecond"] = "fast" }));
        Assert.That(ex!.Message, Does.Contain("Consumers:RateLimitPerSecond"));
    }
}
