using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>Names of the runtime's types and the primitive types the binder reads without a JSON context.</summary>
internal static class KnownTypes
{
    public const string ConsumerBase = "Consumers.Consumer";
    public const string ActionAttribute = "Consumers.ActionAttribute";
    public const string ReceiveAttribute = "Consumers.ReceiveAttribute";

    public const string GroupEventAttribute = "Consumers.GroupEventAttribute";
    public const string JsonContextAttribute = "Consumers.JsonContextAttribute";
    public const string ActionResult = "Consumers.ActionResult";
    public const string ActionResultOfT = "Consumers.ActionResult`1";
    public const string RequestContext = "Consumers.RequestContext";
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";

    /// <summary>A primitive parameter: the <c>JsonArgument</c> reader and the <c>ProtocolErrors</c> message for a wrong type.</summary>
    public sealed record Primitive(string Reader, string Error);

    private static readonly Dictionary<SpecialType, Primitive> s_special = new()
    {
        [SpecialType.System_String] = new("TryReadString", "InvalidString"),
        [SpecialType.System_Boolean] = new("TryReadBoolean", "InvalidBoolean"),
        [SpecialType.System_Int32] = new("TryReadInt32", "InvalidInteger"),
        [SpecialType.System_Int64] = new("TryReadInt64", "InvalidInteger"),
        [SpecialType.System_Int16] = new("TryReadInt16", "InvalidInteger"),
        [SpecialType.System_Byte] = new("TryReadByte", "InvalidInteger"),
        [SpecialType.System_SByte] = new("TryReadSByte", "InvalidInteger"),
        [SpecialType.System_UInt16] = new("TryReadUInt16", "InvalidInteger"),
        [SpecialType.System_UInt32] = new("TryReadUInt32", "InvalidInteger"),
        [SpecialType.System_UInt64] = new("TryReadUInt64", "InvalidInteger"),
        [SpecialType.System_Double] = new("TryReadDouble", "InvalidNumber"),
        [SpecialType.System_Single] = new("TryReadSingle", "InvalidNumber"),
        [SpecialType.System_Decimal] = new("TryReadDecimal", "InvalidNumber"),
        [SpecialType.System_DateTime] = new("TryReadDateTime", "InvalidDateTime"),
    };

    private static readonly Dictionary<string, Primitive> s_named = new()
    {
        ["System.Guid"] = new("TryReadGuid", "InvalidUuid"),
        ["System.DateTimeOffset"] = new("TryReadDateTimeOffset", "InvalidDateTime"),
        ["System.Text.Json.JsonElement"] = new("TryReadJsonElement", "InvalidString"),
    };

    // Results whose metadata the runtime's PrimitiveJson carries.
    private static readonly Dictionary<string, string> s_primitiveJson = new()
    {
        ["string"] = "String", ["bool"] = "Boolean", ["int"] = "Int32", ["long"] = "Int64", ["short"] = "Int16",
        ["byte"] = "Byte", ["sbyte"] = "SByte", ["ushort"] = "UInt16", ["uint"] = "UInt32", ["ulong"] = "UInt64",
        ["double"] = "Double", ["float"] = "Single", ["decimal"] = "Decimal", ["global::System.Guid"] = "Guid",
        ["global::System.DateTime"] = "DateTime", ["global::System.DateTimeOffset"] = "DateTimeOffset",
        ["global::System.Text.Json.JsonElement"] = "JsonElement", ["int?"] = "NullableInt32", ["long?"] = "NullableInt64",
        ["bool?"] = "NullableBoolean", ["double?"] = "NullableDouble", ["decimal?"] = "NullableDecimal",
        ["global::System.Guid?"] = "NullableGuid", ["global::System.DateTime?"] = "NullableDateTime",
        ["global::System.DateTimeOffset?"] = "NullableDateTimeOffset",
    };

    public static Primitive? GetPrimitive(ITypeSymbol type)
    {
        if (s_special.TryGetValue(type.SpecialType, out var primitive))
        {
            return primitive;
        }

        return s_named.TryGetValue(type.ToDisplayString(), out primitive) ? primitive : null;
    }

    /// <summary>The <c>PrimitiveJson</c> member for a result type, by its fully qualified display, or null.</summary>
    public static string? GetPrimitiveJson(string fullyQualifiedType)
    {
        // Reference nullability does not change the metadata of a string.
        var key = fullyQualifiedType == "string?" ? "string" : fullyQualifiedType;
        return s_primitiveJson.TryGetValue(key, out var member) ? "global::Consumers.Dispatch.PrimitiveJson." + member : null;
    }

    public static bool IsFramework(ITypeSymbol type, out string member)
    {
        // 'ClaimsPrincipal? user' is as much the framework's as 'ClaimsPrincipal user'.
        switch (type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString())
        {
            case "System.Threading.CancellationToken":
                member = "Aborted";
                return true;
            case RequestContext:
                member = "CreateRequestContext()";
                return true;
            case "System.Security.Claims.ClaimsPrincipal":
                member = "User";
                return true;
            default:
                member = "";
                return false;
        }
    }

    public static bool DerivesFrom(ITypeSymbol type, string baseMetadataName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == baseMetadataName)
            {
                return true;
            }
        }

        return false;
    }
}
