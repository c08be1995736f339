using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using RangeAttribute = System.ComponentModel.DataAnnotations.RangeAttribute;

namespace Consumers.Tests.Consumers;

/// <summary>One rule on the property (<c>[property: ...]</c>), one on the record's parameter: both are checked.</summary>
public sealed record Address([property: Required] string? City, [Range(1, 99999)] int Zip);

public sealed record OrderLine([Required] string? Sku, [Range(1, 10)] int Quantity);

public sealed class OrderDto : IValidatableObject
{
    [Required, StringLength(20, MinimumLength = 2)]
    public string? Customer { get; set; }

    [Range(1, 100)]
    public int Quantity { get; set; }

    [Display(Name = "Delivery address")]
    public Address? ShipTo { get; set; }

    public List<OrderLine>? Lines { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Customer == "nobody")
        {
            yield return new ValidationResult("Nobody cannot order.", [nameof(Customer)]);
        }

        if (Quantity == 13)
        {
            yield return new ValidationResult("Unlucky.");
        }
    }
}

[JsonSerializable(typeof(OrderDto))]
public sealed partial class ValidatedJsonContext : JsonSerializerContext;

/// <summary>Actions whose DTO arguments carry DataAnnotations (not a ModelConsumer).</summary>
[JsonContext(typeof(ValidatedJsonContext))]
public sealed partial class ValidatedConsumer : Consumer
{
    /// <summary>DCRF's <c>data</c>: its errors are the reply's, at the top.</summary>
    [Action]
    public int PlaceOrder(OrderDto data) => data.Quantity;

    /// <summary>Another key: its errors are nested under it.</summary>
    [Action]
    public int Reorder(int orderId, OrderDto order) => orderId + order.Quantity;
}
