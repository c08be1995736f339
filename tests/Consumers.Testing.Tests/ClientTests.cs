using Consumers.Testing.Authentication;
using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>The generated .NET client run over the test server's in-process socket.</summary>
[TestFixture]
public sealed class ClientTests : KitFixture
{
    [Test]
    public async Task GeneratedClient_CallsActions_AndReadsTypedReplies()
    {
        await using var kit = await Host.ConnectClientAsync<KitConsumerClient>("/ws/kit");

        var sum = await kit.AddAsync(2, 3);
        var total = await kit.TotalAsync(4, 5);

        Assert.Multiple(() =>
        {
            Assert.That(sum.Status, Is.EqualTo(200));
            Assert.That(sum.Data, Is.EqualTo(5));
            Assert.That(total.Data, Is.EqualTo(new Sum(9)));
            Assert.That(kit.IsOpen, Is.True);
        });
    }

    [Test]
    public async Task GeneratedClient_OnAMultiplexedEndpoint_UsesItsStream()
    {
        await using var kit = await Host.ConnectClientAsync<KitConsumerClient>("/ws", stream: "kit");

        Assert.That((await kit.AddAsync(1, 1)).Data, Is.EqualTo(2));
    }

    [Test]
    public async Task GeneratedClient_ConnectsAsTheGivenUser()
    {
        await using var secured = await Host.ConnectClientAsync<SecuredConsumerClient>("/ws/secured", o => o.User = ConsumersTestAuthentication.User("cleo"));

        Assert.That((await secured.WhoamiAsync()).Data, Is.EqualTo("cleo"));
    }

    [Test]
    public void GeneratedClient_RefusedHandshake_Throws()
    {
        var error = Assert.ThrowsAsync<ConsumerHandshakeException>(() => Host.ConnectClientAsync<SecuredConsumerClient>("/ws/secured"));

        Assert.That(error!.StatusCode, Is.EqualTo(401));
    }
}
