using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Tests;

/// <summary>Action parameters that are services come from the connection's DI scope, not from the request.</summary>
[TestFixture]
public sealed class ServiceParameterTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(
        app => app.MapConsumer<ServiceParametersConsumer>("/ws/services"),
        services: s => s.AddSingleton<IGreeter, Greeter>().AddScoped<VisitCounter>());

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task InterfaceAndLoggerParameters_AreInjected_OnlyTheDataIsARequestKey()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/services"));
        var reply = await client.RequestAsync("""{"action": "hello", "name": "Ann"}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200), reply.ToJsonString());
            Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("Hello, Ann"));
        });
    }

    [Test]
    public async Task FromServicesParameter_IsTheConnectionsScopedInstance()
    {
        await using var first = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/services"));
        await using var second = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/services"));
        {
            Assert.That((await first.RequestAsync("""{"action": "visit"}"""))["data"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That((await first.RequestAsync("""{"action": "visit"}"""))["data"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That((await second.RequestAsync("""{"action": "visit"}"""))["data"]!.GetValue<int>(), Is.EqualTo(1), "another connection, another scope");
        }
    }

    [Test]
    public async Task NullableServiceParameter_IsNullWhenNotRegistered()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/services"));
        var reply = await client.RequestAsync("""{"action": "optional"}""");
        Assert.That(reply["data"]!.GetValue<bool>(), Is.True, reply.ToJsonString());
    }

    [Test]
    public void ServiceParameters_AreNotInTheContract()
    {
        var hello = ContractOf<ServiceParametersConsumer>()!.Actions.Single(a => a.Name == "hello");
        Assert.That(hello.Parameters.Select(p => p.Key), Is.EqualTo(new[] { "name" }));
    }

    private static global::Consumers.Contracts.ConsumerContract? ContractOf<T>()
        where T : Consumer, global::Consumers.Dispatch.IConsumerFactory<T>
        => T.Contract;
}
