using System.Text.Json.Serialization.Metadata;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// How a model is shown to clients and built from their data: DRF's <c>serializer_class</c> of a DCRF
/// <c>GenericAsyncAPIConsumer</c>. One instance serves every connection (register it with
/// <c>services.AddModelSerializer(new RoomSerializer())</c>), which is what lets a change be serialized once, on the
/// node where it happened, for every instance subscriber of every node.
/// </summary>
/// <typeparam name="TModel">The entity type.</typeparam>
/// <typeparam name="TDto">What clients see and send. Serialized objects should carry the key as <c>pk</c>
/// (DCRF front ends match notifications on <c>data.pk</c>). DataAnnotations on its properties are validated on
/// create, update and patch (use <c>[property: Required]</c> on positional records).</typeparam>
/// <typeparam name="TKey">The primary key type (the <c>pk</c> of requests).</typeparam>
public abstract class ModelSerializer<TModel, TDto, TKey>
    where TModel : class
    where TKey : notnull
{
    /// <summary>Source-generated metadata of <typeparamref name="TDto"/>, e.g. <c>ChatJson.Default.RoomDto</c>.</summary>
    public abstract JsonTypeInfo<TDto> DtoTypeInfo { get; }

    /// <summary>
    /// <see cref="DtoTypeInfo"/> as it goes on the wire (<c>Consumers.Dispatch.WireJson</c>): snake_case property names
    /// whatever the context's naming policy, and a missing or <c>null</c> value for a non-nullable member refused.
    /// Used by the generic model actions and instance notifications, so they match the generated binders.
    /// </summary>
    public JsonTypeInfo<TDto> WireTypeInfo => _wireTypeInfo ??= Dispatch.WireJson.Of(DtoTypeInfo);

    private JsonTypeInfo<TDto>? _wireTypeInfo;

    /// <summary>The key of an instance.</summary>
    /// <param name="model">The instance.</param>
    public abstract TKey KeyOf(TModel model);

    /// <summary>The client's view of an instance.</summary>
    /// <param name="model">The instance.</param>
    public abstract TDto ToDto(TModel model);

    /// <summary>A new instance from validated client data (<c>create</c>).</summary>
    /// <param name="data">The data.</param>
    public abstract TModel CreateModel(TDto data);

    /// <summary>Applies validated client data to an instance (<c>update</c>, and <c>patch</c> after merging).</summary>
    /// <param name="model">The tracked instance.</param>
    /// <param name="data">The data.</param>
    public abstract void UpdateModel(TModel model, TDto data);
}
