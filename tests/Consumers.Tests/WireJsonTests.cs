using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests;

/// <summary>
/// DTOs on the wire: snake_case property names whatever the context's naming policy (unless the consumer keeps the
/// context's names), and a missing or null value for a non-nullable member refused with 400 naming its key.
/// </summary>
[TestFixture]
public sealed class WireJsonTests
{
    private TestHost _host = null!;
    private TestClient _client = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(app =>
    {
        app.MapConsumer<WireNamesConsumer>("/ws/wire");
        app.MapConsumer<ContextNamesConsumer>("/ws/context-names");
    });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public async Task Connect() => _client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/wire"));

    [TearDown]
    public async Task Disconnect() => await _client.DisposeAsync();

    [Test]
    public async Task Dto_BindsSnakeCaseKeys_AndTheReplyIsSnakeCase_ThoughTheContextHasNoNamingPolicy()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"display_name": "Lobby", "max_members": 3}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(200), reply.ToJsonString());
            Assert.That(reply["data"]!.ToJsonString(), Is.EqualTo("""{"room_id":3,"display_name":"Lobby","topic":null}"""));
        });
    }

    [Test]
    public async Task NullableMember_MayBeMissing()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"display_name": "Lobby"}}""");
        Assert.That(reply["data"]!["room_id"]!.GetValue<int>(), Is.EqualTo(7), reply.ToJsonString());
    }

    [Test]
    public async Task NullableAndValueTypeConstructorParameters_MayBeMissing()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"display_name": "Lobby"}}""");
        Assert.That(reply["data"]!.ToJsonString(), Is.EqualTo("""{"room_id":7,"display_name":"Lobby","topic":null}"""), reply.ToJsonString());
    }

    [Test]
    public async Task MissingNonNullableConstructorParameter_Is400NamingTheKey()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"max_members": 3}}""");
        AssertBadRequest(reply, """[{"display_name":["This field is required."]}]""");
    }

    [Test]
    public async Task PascalCaseKey_IsNotBound_SoTheMemberIsMissing()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"DisplayName": "Lobby"}}""");
        AssertBadRequest(reply, """[{"display_name":["This field is required."]}]""");
    }

    [Test]
    public async Task NullForNonNullableMember_Is400NamingTheKey()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"display_name": null}}""");
        AssertBadRequest(reply, """[{"display_name":["This field may not be null."]}]""");
    }

    [Test]
    public async Task MissingRequiredMember_OfADtoBoundFromAnotherKey_Is400PrefixedWithThatKey()
    {
        var reply = await _client.RequestAsync("""{"action": "find", "filter": {"limit": 2}}""");
        AssertBadRequest(reply, """[{"filter.name_prefix":["This field is required."]}]""");
    }

    [Test]
    public async Task RequiredMember_OfADtoBoundFromAnotherKey_BindsItsSnakeCaseKey()
    {
        var reply = await _client.RequestAsync("""{"action": "find", "filter": {"name_prefix": "lo"}}""");
        Assert.That(reply["data"]!.GetValue<string>(), Is.EqualTo("lo*"), reply.ToJsonString());
    }

    [Test]
    public async Task WrongTypeInsideADto_Is400WithThePath()
    {
        var reply = await _client.RequestAsync("""{"action": "open", "data": {"display_name": 5}}""");
        AssertBadRequest(reply, """[{"data":["Invalid value at $.display_name."]}]""");
    }

    [Test]
    public async Task KeepContextPropertyNames_PutsTheContextsNamesOnTheWire()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/context-names"));
        var reply = await client.RequestAsync("""{"action": "open", "data": {"DisplayName": "Lobby"}}""");
        Assert.That(reply["data"]!.ToJsonString(), Is.EqualTo("""{"RoomId":7,"DisplayName":"Lobby","Topic":null}"""));
    }

    [Test]
    public async Task KeepContextPropertyNames_StillRefusesANullForANonNullableMember()
    {
        await using var client = await TestClient.ConnectAsync(_host.WebSocketUri("/ws/context-names"));
        var reply = await client.RequestAsync("""{"action": "open", "data": {"DisplayName": null}}""");
        AssertBadRequest(reply, """[{"DisplayName":["This field may not be null."]}]""");
    }

    private static void AssertBadRequest(System.Text.Json.Nodes.JsonObject reply, string errors)
        => Assert.Multiple(() =>
        {
            Assert.That(reply["response_status"]!.GetValue<int>(), Is.EqualTo(400), reply.ToJsonString());
            Assert.That(reply["errors"]!.ToJsonString(), Is.EqualTo(errors));
            Assert.That(reply["data"], Is.Null);
        });
}
