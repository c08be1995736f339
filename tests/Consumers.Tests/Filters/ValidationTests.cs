using Consumers.Tests.Consumers;
using Consumers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Consumers.Tests.Filters;

/// <summary>
/// DataAnnotations on the DTOs of any action (ConsumerOptions.ValidateDataAnnotations, on by default), checked by code
/// the generator writes: 400 with DRF's errors under the wire names, nested DTOs and lists nested as DRF nests them.
/// </summary>
[TestFixture]
public sealed class ValidationTests
{
    private TestHost _host = null!;
    private TestHost _off = null!;

    [OneTimeSetUp]
    public async Task StartHosts()
    {
        _host = await TestHost.StartAsync(app => app.MapConsumer<ValidatedConsumer>("/ws/orders"), o => o.RateLimitPerSecond = 0);
        _off = await TestHost.StartAsync(app => app.MapConsumer<ValidatedConsumer>("/ws/orders"), o => o.ValidateDataAnnotations = false);
    }

    [OneTimeTearDown]
    public async Task StopHosts()
    {
        await _host.DisposeAsync();
        await _off.DisposeAsync();
    }

    private async Task<string> RequestAsync(string request, TestHost? host = null)
    {
        await using var client = await TestClient.ConnectAsync((host ?? _host).WebSocketUri("/ws/orders"));
        return (await client.RequestAsync(request)).ToJsonString();
    }

    [Test]
    public async Task ValidDto_RunsTheAction()
        => Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "ann", "quantity": 3, "ship_to": {"city": "Oslo", "zip": 150}, "lines": [{"sku": "a", "quantity": 1}]}, "request_id": 1}"""),
            Is.EqualTo("""{"errors":[],"data":3,"action":"place_order","response_status":200,"request_id":1}"""));

    [Test]
    public async Task RangeAndStringLength_Get400_UnderTheWireNames_AndTheRequestId()
        => Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "a", "quantity": 0}, "request_id": "v"}"""),
            Is.EqualTo("""{"errors":[{"customer":["The field Customer must be a string with a minimum length of 2 and a maximum length of 20."],"quantity":["The field Quantity must be between 1 and 100."]}],"data":null,"action":"place_order","response_status":400,"request_id":"v"}"""));

    [Test]
    public async Task Required_Missing_IsReported_AndNothingElseOfThatMember()
        => Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"quantity": 5}}"""),
            Is.EqualTo("""{"errors":[{"customer":["The Customer field is required."]}],"data":null,"action":"place_order","response_status":400,"request_id":null}"""));

    [Test]
    public async Task NestedDtoAndList_ErrorsAreNestedAsDrfNestsThem()
        => Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "ann", "quantity": 1, "ship_to": {"zip": 0}, "lines": [{"sku": "a", "quantity": 1}, {"quantity": 11}, {"sku": "c", "quantity": 2}]}}"""),
            Is.EqualTo("""{"errors":[{"ship_to":{"city":["The City field is required."],"zip":["The field Zip must be between 1 and 99999."]},"lines":[{},{"sku":["The Sku field is required."],"quantity":["The field Quantity must be between 1 and 10."]},{}]}],"data":null,"action":"place_order","response_status":400,"request_id":null}"""));

    [Test]
    public async Task ValidatableObject_MemberAndWholeObjectResults_AfterThePropertiesPassed()
    {
        Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "nobody", "quantity": 13}}"""),
            Is.EqualTo("""{"errors":[{"customer":["Nobody cannot order."],"non_field_errors":["Unlucky."]}],"data":null,"action":"place_order","response_status":400,"request_id":null}"""));
        Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "nobody", "quantity": 0}}"""),
            Is.EqualTo("""{"errors":[{"quantity":["The field Quantity must be between 1 and 100."]}],"data":null,"action":"place_order","response_status":400,"request_id":null}"""));
    }

    [Test]
    public async Task DtoUnderAnotherKey_ItsErrorsAreNestedUnderTheKey()
        => Assert.That(
            await RequestAsync("""{"action": "reorder", "order_id": 7, "order": {"customer": "x", "quantity": 2}}"""),
            Is.EqualTo("""{"errors":[{"order":{"customer":["The field Customer must be a string with a minimum length of 2 and a maximum length of 20."]}}],"data":null,"action":"reorder","response_status":400,"request_id":null}"""));

    [Test]
    public async Task ValidateDataAnnotationsOff_RunsTheActionWithTheInvalidDto()
        => Assert.That(
            await RequestAsync("""{"action": "place_order", "data": {"customer": "a", "quantity": 0}}""", _off),
            Is.EqualTo("""{"errors":[],"data":0,"action":"place_order","response_status":200,"request_id":null}"""));
}
