using Consumers.Testing.Authentication;
using Consumers.Testing.Communication;
using Consumers.Testing.Hosting;
using Microsoft.Extensions.Hosting;

namespace Consumers.Testing.Tests;

/// <summary>Connecting as a user of the test's choosing, with an Origin of its choosing; refused handshakes.</summary>
[TestFixture]
public sealed class IdentityTests : KitFixture
{
    [Test]
    public async Task User_IsTheConnectionsPrincipal_WithItsRoles()
    {
        await using var c = await Host.ConnectAsync("/ws/secured", o => o.User = ConsumersTestAuthentication.User("ann", "admin"));
        await using var kit = await Host.ConnectAsync("/ws/kit", o => o.User = ConsumersTestAuthentication.User("bob", "admin"));

        var name = await c.RequestAsync("""{"action": "whoami", "request_id": 1}""");
        var role = await kit.RequestAsync("""{"action": "is_in_role", "role": "admin", "request_id": 2}""");
        var other = await kit.RequestAsync("""{"action": "is_in_role", "role": "root", "request_id": 3}""");

        Assert.Multiple(() =>
        {
            Assert.That(name.Data.GetString(), Is.EqualTo("ann"));
            Assert.That(role.Data.GetBoolean(), Is.True);
            Assert.That(other.Data.GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task NoUser_IsAnonymous_AndAnAuthorizeConsumerRefusesWith401()
    {
        await using var kit = await Host.ConnectAsync("/ws/kit");

        var error = Assert.ThrowsAsync<ConsumerHandshakeException>(() => Host.ConnectAsync("/ws/secured?x=1"));

        Assert.Multiple(async () =>
        {
            Assert.That((await kit.RequestAsync("""{"action": "whoami", "request_id": 1}""")).Data.GetString(), Is.EqualTo("anonymous"));
            Assert.That(error!.StatusCode, Is.EqualTo(401));
            Assert.That(error.Path, Is.EqualTo("/ws/secured?x=1"));
            Assert.That(error.Message, Is.EqualTo("The server refused the WebSocket handshake of /ws/secured?x=1 with HTTP 401."));
        });
    }

    [Test]
    public async Task User_WithoutTheTestScheme_FailsSayingHowToRegisterIt()
    {
        using var host = await KitHost.StartAsync(testAuthentication: false);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.ConnectAsync("/ws/kit", o => o.User = ConsumersTestAuthentication.User("ann")));

        Assert.That(error!.Message, Does.Contain("WithTestAuthentication()").And.Contain("AddConsumersTestAuthentication()"));
        await host.StopAsync();
    }

    [Test]
    public async Task Origin_Allowed_Connects()
    {
        await using var c = await Host.ConnectAsync("/ws/kit", o => o.Origin = KitHost.AllowedOrigin);

        Assert.That((await c.RequestAsync("""{"action": "add", "a": 1, "b": 1, "request_id": 1}""")).Data.GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void Origin_Refused_FailsTheHandshakeWith403()
    {
        var error = Assert.ThrowsAsync<ConsumerHandshakeException>(() => Host.ConnectAsync("/ws/kit", o => o.Origin = "https://evil.example"));

        Assert.That(error!.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public void SlowHandshake_PastTheConnectTimeout_FailsSayingSo()
    {
        var error = Assert.ThrowsAsync<TimeoutException>(() => Host.ConnectAsync("/ws/slow", o => o.ConnectTimeout = TimeSpan.FromMilliseconds(200)));

        Assert.That(error!.Message, Does.StartWith("The WebSocket handshake of /ws/slow did not complete within 0.2 s"));
    }

    [Test]
    public async Task SlowHandshake_WithinTheConnectTimeout_Connects()
    {
        await using var c = await Host.ConnectAsync("/ws/slow");

        Assert.That((await c.RequestAsync("""{"action": "ping", "request_id": 1}""")).Data.GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void UnknownPath_FailsTheHandshakeWith404()
    {
        var error = Assert.ThrowsAsync<ConsumerHandshakeException>(() => Host.ConnectAsync("/ws/nothing"));

        Assert.That(error!.StatusCode, Is.EqualTo(404));
    }
}
