using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Dispatch;

/// <summary>
/// The <see cref="JsonSerializerOptions"/> DTOs travel with on the wire: the metadata of a
/// <see cref="JsonSerializerContext"/> (or of the resolver the generated code passes), with snake_case property names
/// (<see cref="JsonNamingPolicy.SnakeCaseLower"/>, DCRF's convention, whatever the context's own policy; names set
/// with <c>[JsonPropertyName]</c> stay as written), <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>, and
/// constructor parameters of non-nullable reference types without a default required (as with <c>[JsonRequired]</c>),
/// so that a missing or <c>null</c> value for a non-nullable member is an error instead of a silent <c>null</c>.
/// Used by generated code.
/// </summary>
/// <remarks>
/// Resolving metadata through these options is reflection-free when the resolver is a source-generated context: the
/// context builds its metadata for the options it is handed, and the names follow their naming policy. The
/// reflection-based resolver (<see cref="DefaultJsonTypeInfoResolver"/>) is only ever passed in by the code
/// generated into an application that allows reflection-based JSON; this type never creates one.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WireJson
{
    private static readonly ConditionalWeakTable<JsonSerializerContext, JsonSerializerOptions> s_snakeCase = new();
    private static readonly ConditionalWeakTable<JsonSerializerContext, JsonSerializerOptions> s_contextNames = new();
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> s_byOptions = new();
    private static readonly ConditionalWeakTable<JsonSerializerOptions, object> s_wireOptions = new();

    /// <summary>The wire options over <paramref name="context"/>'s metadata, one instance per context and naming choice.</summary>
    /// <param name="context">The consumer's context (its <c>Default</c> instance).</param>
    /// <param name="keepContextPropertyNames">
    /// True to keep the names of the context's own naming policy (<c>JsonContextAttribute.KeepContextPropertyNames</c>);
    /// false for snake_case.
    /// </param>
    public static JsonSerializerOptions For(JsonSerializerContext context, bool keepContextPropertyNames = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        return keepContextPropertyNames
            ? s_contextNames.GetValue(context, static c => Create(c, c.Options, keepContextPropertyNames: true))
            : s_snakeCase.GetValue(context, static c => Create(c, c.Options, keepContextPropertyNames: false));
    }

    /// <summary>
    /// The wire form (snake_case names, nullability respected) of metadata handed in by user code, e.g. a
    /// <c>ModelSerializer</c>'s <c>ChatJson.Default.RoomDto</c>: the same type resolved through the wire options of its
    /// context (or of its options' resolver). Metadata already in wire form is returned as it is. Also what the test
    /// kit (<c>Consumers.Testing</c>) reads replies with, so that a test reads what the runtime wrote.
    /// </summary>
    /// <typeparam name="T">The serialized type.</typeparam>
    /// <param name="typeInfo">Metadata from a context or options.</param>
    /// <returns>Metadata of <typeparamref name="T"/> under the wire options.</returns>
    /// <exception cref="InvalidOperationException">The metadata's options have no resolver.</exception>
    public static JsonTypeInfo<T> Of<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var source = typeInfo.Options;
        if (s_wireOptions.TryGetValue(source, out _))
        {
            return typeInfo;
        }

        var options = source.TypeInfoResolver is JsonSerializerContext context
            ? For(context)
            : s_byOptions.GetValue(source, static o => Create(o.TypeInfoResolver ?? throw new InvalidOperationException("The metadata's options have no TypeInfoResolver."), o));
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    // A constructor parameter of a non-nullable reference type without a default is required, as if it carried
    // [JsonRequired]: its absence would be a silent null. Nullable and value-type parameters stay optional (STJ's
    // RespectRequiredConstructorParameters would require them all, so a DTO sent without its server-set 'pk' fails).
    private static void RequireNonNullableConstructorParameters(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.AssociatedParameter is { HasDefaultValue: false, IsNullable: false } && !property.PropertyType.IsValueType)
            {
                property.IsRequired = true;
            }
        }
    }

    /// <summary>Wire options over <paramref name="resolver"/>, copying the other settings of <paramref name="template"/>.</summary>
    /// <param name="resolver">Where metadata comes from.</param>
    /// <param name="template">Options whose converters, number and enum handling are kept (a context's <c>Options</c>), or null.</param>
    /// <param name="keepContextPropertyNames">True to keep <paramref name="template"/>'s naming policy; false for snake_case.</param>
    /// <returns>Read-only options.</returns>
    public static JsonSerializerOptions Create(IJsonTypeInfoResolver resolver, JsonSerializerOptions? template, bool keepContextPropertyNames = false)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var options = template is null ? new JsonSerializerOptions() : new JsonSerializerOptions(template);
        options.TypeInfoResolver = resolver.WithAddedModifier(RequireNonNullableConstructorParameters);
        if (!keepContextPropertyNames)
        {
            options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        }

        options.RespectNullableAnnotations = true;
        options.MakeReadOnly();
        s_wireOptions.AddOrUpdate(options, s_wireOptions);
        return options;
    }
}
