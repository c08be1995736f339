using Consumers.Testing.Nats;

namespace Consumers.Testing.Tests;

/// <summary>The kit's nats-server process.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NatsServerTests
{
    [Test]
    public async Task StartJetStream_Listens_WithJetStreamOn()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        var buffer = new byte[4096];
        var read = await tcp.GetStream().ReadAsync(buffer);
        var info = System.Text.Encoding.ASCII.GetString(buffer, 0, read);

        Assert.Multiple(() =>
        {
            Assert.That(server.Url, Is.EqualTo($"nats://127.0.0.1:{server.Port}"));
            Assert.That(info, Does.StartWith("INFO ").And.Contain("\"jetstream\":true"));
        });
    }

    [Test]
    public async Task Dispose_StopsTheProcess()
    {
        var server = await NatsServer.StartAsync();
        var pid = server.Pid;
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.True);

        await server.DisposeAsync();

        Assert.That(Directory.Exists($"/proc/{pid}"), Is.False);
    }

    [Test]
    public void MissingBinary_FailsSayingHowToInstallIt()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var empty = Directory.CreateTempSubdirectory("no-nats-").FullName;
        Environment.SetEnvironmentVariable("PATH", empty);
        try
        {
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => NatsServer.StartAsync());
            Assert.That(error!.Message, Is.EqualTo(NatsServer.NotFoundMessage).And.Contain("apt-get install -y nats-server"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Directory.Delete(empty);
        }
    }
}
