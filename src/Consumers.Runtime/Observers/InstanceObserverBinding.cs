using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Consumers.Groups;
using Microsoft.AspNetCore.Http;

namespace Consumers.Observers;

/// <summary>
/// The observer behind DCRF's <c>subscribe_instance</c>: one group per instance; an update pushes the full object
/// (<c>"action": "update"</c>, 200), a deletion pushes <c>{"pk": ...}</c> (<c>"action": "delete"</c>, 204).
/// Creations are not pushed (a subscription is to an existing instance).
/// </summary>
/// <typeparam name="TModel">The model type.</typeparam>
/// <typeparam name="TData">The serialized form.</typeparam>
/// <param name="id">The observer id (the first part of its group names).</param>
/// <param name="groupOf">The instance's group.</param>
/// <param name="serialize">The serializer.</param>
/// <param name="typeInfo">Metadata of <typeparamref name="TData"/>.</param>
/// <param name="writeKey">Writes the instance's key as a JSON value (the <c>pk</c> of a deletion).</param>
internal sealed class InstanceObserverBinding<TModel, TData>(
    string id,
    Func<TModel, string> groupOf,
    Func<TModel, TData> serialize,
    JsonTypeInfo<TData> typeInfo,
    Action<Utf8JsonWriter, TModel> writeKey) : ModelObserverBinding<TModel>(id)
    where TModel : class
{
    internal override object? ReadData(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize(data, typeInfo);

    internal override async ValueTask PublishAsync(ModelChange<TModel> change, IGroupLayer layer, CancellationToken cancellationToken)
    {
        if (change.Current is { } current)
        {
            if (change.Previous is not null)
            {
                var data = JsonSerializer.SerializeToUtf8Bytes(serialize(current), typeInfo);
                var group = groupOf(current);
                await layer.SendAsync(group, ObserverNotification.Create(Id, group, data, ModelAction.Update), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var deleted = change.Previous!;
        var buffer = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("pk"u8);
            writeKey(writer, deleted);
            writer.WriteEndObject();
        }

        var deletedGroup = groupOf(deleted);
        await layer.SendAsync(deletedGroup, ObserverNotification.Create(Id, deletedGroup, buffer.WrittenMemory, ModelAction.Delete, status: StatusCodes.Status204NoContent), cancellationToken).ConfigureAwait(false);
    }
}
