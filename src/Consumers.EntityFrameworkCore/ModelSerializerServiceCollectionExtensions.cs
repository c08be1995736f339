using System.Text.Json;
using Consumers.EntityFrameworkCore;
using Consumers.Observers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers model serializers, and with each the instance observer behind <c>subscribe_instance</c>.</summary>
public static class ModelSerializerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="serializer"/> (as itself and as its <see cref="ModelSerializer{TModel, TDto, TKey}"/>
    /// base), and the instance observer of <typeparamref name="TModel"/>, so that a change saved on any node reaches
    /// the instance subscribers of every node, serialized once.
    /// </summary>
    /// <typeparam name="TModel">The entity type.</typeparam>
    /// <typeparam name="TDto">The client's view.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="serializer">The serializer; one instance serves every connection.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddModelSerializer<TModel, TDto, TKey>(this IServiceCollection services, ModelSerializer<TModel, TDto, TKey> serializer)
        where TModel : class
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(serializer);
        services.AddSingleton(serializer.GetType(), serializer);
        services.AddSingleton(serializer);
        services.AddSingleton<ModelObserverBinding>(new InstanceObserverBinding<TModel, TDto>(
            InstanceGroups.ObserverId<TModel>(),
            model => InstanceGroups.Of<TModel, TKey>(serializer.KeyOf(model)),
            serializer.ToDto,
            serializer.WireTypeInfo,
            (writer, model) => WriteKey(writer, serializer.KeyOf(model), serializer)));
        return services;
    }

    private static void WriteKey<TModel, TDto, TKey>(Utf8JsonWriter writer, TKey key, ModelSerializer<TModel, TDto, TKey> serializer)
        where TModel : class
        where TKey : notnull
    {
        switch (key)
        {
            case int value:
                writer.WriteNumberValue(value);
                break;
            case long value:
                writer.WriteNumberValue(value);
                break;
            case Guid value:
                writer.WriteStringValue(value);
                break;
            case string value:
                writer.WriteStringValue(value);
                break;
            default:
                // Other key types: the metadata the DTO's context has for them (a DTO carries its pk).
                var info = serializer.WireTypeInfo.Options.GetTypeInfo(typeof(TKey));
                JsonSerializer.Serialize(writer, key, info);
                break;
        }
    }
}
