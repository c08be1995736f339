using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Consumers.Tests;

/// <summary>Options out of range are refused with a message naming the option.</summary>
[TestFixture]
public sealed class OptionsTests
{
    [TestCase(nameof(ConsumerOptions.MaxMessageSize))]
    [TestCase(nameof(ConsumerOptions.SendQueueCapacity))]
    [TestCase(nameof(ConsumerOptions.MaxJsonDepth))]
    [TestCase(nameof(ConsumerOptions.MaxSubscriptionsPerUser))]
    public void OutOfRangeOption_IsRefused_NamingIt(string option)
    {
        var services = new ServiceCollection();
        services.AddConsumers(o =>
        {
            switch (option)
            {
                case nameof(ConsumerOptions.MaxMessageSize):
                    o.MaxMessageSize = 1;
                    break;
                case nameof(ConsumerOptions.SendQueueCapacity):
                    o.SendQueueCapacity = 0;
                    break;
                case nameof(ConsumerOptions.MaxSubscriptionsPerUser):
                    o.MaxSubscriptionsPerUser = -1;
                    break;
                default:
                    o.MaxJsonDepth = 0;
                    break;
            }
        });
        using var provider = services.BuildServiceProvider();
        Assert.That(
            () => provider.GetRequiredService<IOptions<ConsumerOptions>>().Value,
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains(option));
    }
}
