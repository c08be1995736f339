using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Dispatch;

/// <summary>
/// Source-generated metadata for the primitive results that need no user <c>JsonSerializerContext</c>;
/// used by generated code to write the <c>data</c> of such actions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PrimitiveJson
{
    /// <summary><see cref="string"/>.</summary>
    public static JsonTypeInfo<string> String => PrimitiveJsonContext.Default.String;

    /// <summary><see cref="bool"/>.</summary>
    public static JsonTypeInfo<bool> Boolean => PrimitiveJsonContext.Default.Boolean;

    /// <summary><see cref="int"/>.</summary>
    public static JsonTypeInfo<int> Int32 => PrimitiveJsonContext.Default.Int32;

    /// <summary><see cref="long"/>.</summary>
    public static JsonTypeInfo<long> Int64 => PrimitiveJsonContext.Default.Int64;

    /// <summary><see cref="short"/>.</summary>
    public static JsonTypeInfo<short> Int16 => PrimitiveJsonContext.Default.Int16;

    /// <summary><see cref="byte"/>.</summary>
    public static JsonTypeInfo<byte> Byte => PrimitiveJsonContext.Default.Byte;

    /// <summary><see cref="sbyte"/>.</summary>
    public static JsonTypeInfo<sbyte> SByte => PrimitiveJsonContext.Default.SByte;

    /// <summary><see cref="ushort"/>.</summary>
    public static JsonTypeInfo<ushort> UInt16 => PrimitiveJsonContext.Default.UInt16;

    /// <summary><see cref="uint"/>.</summary>
    public static JsonTypeInfo<uint> UInt32 => PrimitiveJsonContext.Default.UInt32;

    /// <summary><see cref="ulong"/>.</summary>
    public static JsonTypeInfo<ulong> UInt64 => PrimitiveJsonContext.Default.UInt64;

    /// <summary><see cref="double"/>.</summary>
    public static JsonTypeInfo<double> Double => PrimitiveJsonContext.Default.Double;

    /// <summary><see cref="float"/>.</summary>
    public static JsonTypeInfo<float> Single => PrimitiveJsonContext.Default.Single;

    /// <summary><see cref="decimal"/>.</summary>
    public static JsonTypeInfo<decimal> Decimal => PrimitiveJsonContext.Default.Decimal;

    /// <summary><see cref="System.Guid"/>.</summary>
    public static JsonTypeInfo<Guid> Guid => PrimitiveJsonContext.Default.Guid;

    /// <summary><see cref="System.DateTime"/>.</summary>
    public static JsonTypeInfo<DateTime> DateTime => PrimitiveJsonContext.Default.DateTime;

    /// <summary><see cref="System.DateTimeOffset"/>.</summary>
    public static JsonTypeInfo<DateTimeOffset> DateTimeOffset => PrimitiveJsonContext.Default.DateTimeOffset;

    /// <summary><see cref="System.Text.Json.JsonElement"/>.</summary>
    public static JsonTypeInfo<JsonElement> JsonElement => PrimitiveJsonContext.Default.JsonElement;

    /// <summary><see cref="int"/>?.</summary>
    public static JsonTypeInfo<int?> NullableInt32 => PrimitiveJsonContext.Default.NullableInt32;

    /// <summary><see cref="long"/>?.</summary>
    public static JsonTypeInfo<long?> NullableInt64 => PrimitiveJsonContext.Default.NullableInt64;

    /// <summary><see cref="bool"/>?.</summary>
    public static JsonTypeInfo<bool?> NullableBoolean => PrimitiveJsonContext.Default.NullableBoolean;

    /// <summary><see cref="double"/>?.</summary>
    public static JsonTypeInfo<double?> NullableDouble => PrimitiveJsonContext.Default.NullableDouble;

    /// <summary><see cref="decimal"/>?.</summary>
    public static JsonTypeInfo<decimal?> NullableDecimal => PrimitiveJsonContext.Default.NullableDecimal;

    /// <summary><see cref="System.Guid"/>?.</summary>
    public static JsonTypeInfo<Guid?> NullableGuid => PrimitiveJsonContext.Default.NullableGuid;

    /// <summary><see cref="System.DateTime"/>?.</summary>
    public static JsonTypeInfo<DateTime?> NullableDateTime => PrimitiveJsonContext.Default.NullableDateTime;

    /// <summary><see cref="System.DateTimeOffset"/>?.</summary>
    public static JsonTypeInfo<DateTimeOffset?> NullableDateTimeOffset => PrimitiveJsonContext.Default.NullableDateTimeOffset;
}

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(sbyte))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(decimal?))]
[JsonSerializable(typeof(Guid?))]
[JsonSerializable(typeof(DateTime?))]
[JsonSerializable(typeof(DateTimeOffset?))]
internal sealed partial class PrimitiveJsonContext : JsonSerializerContext;
