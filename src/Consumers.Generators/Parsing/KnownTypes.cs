using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The runtime's and the framework's types as symbols of one compilation, each resolved on first use and compared with
/// <see cref="SymbolEqualityComparer.Default"/> (System.Text.Json's generator keeps its <c>KnownTypeSymbols</c> the same
/// way). The only file of the generator that spells a runtime or framework type name; the generated code's
/// <c>global::</c> text is the emitters' business. A symbol is null when the compilation does not reference its assembly.
/// Instances live with their compilation (<see cref="For"/>) and never travel into the pipeline's cached models.
/// </summary>
internal sealed class KnownTypes
{
    /// <summary>The metadata name of <c>[Action]</c>, for <c>ForAttributeWithMetadataName</c>.</summary>
    public const string ActionAttributeName = "Consumers.ActionAttribute";

    /// <summary>The metadata name of <c>[Receive]</c>, for <c>ForAttributeWithMetadataName</c>.</summary>
    public const string ReceiveAttributeName = "Consumers.ReceiveAttribute";

    /// <summary>The metadata name of <c>[GroupEvent]</c>, for <c>ForAttributeWithMetadataName</c>.</summary>
    public const string GroupEventAttributeName = "Consumers.GroupEventAttribute";

    /// <summary>The metadata name of <c>[ConsumerEvent]</c>, for the event pipeline.</summary>
    public const string ConsumerEventAttributeName = "Consumers.ConsumerEventAttribute";

    private const string PrimitiveJsonPrefix = "global::Consumers.Dispatch.PrimitiveJson.";
    private const string TasksNamespace = "System.Threading.Tasks";
    private const string ReflectionNamespace = "System.Reflection";
    private const string CollectionsNamespace = "System.Collections";
    private const string JsonNamespace = "System.Text.Json";

    private static readonly ConditionalWeakTable<Compilation, KnownTypes> s_byCompilation = new();

    private readonly Compilation _compilation;
    private readonly Dictionary<string, INamedTypeSymbol?> _resolved = new(StringComparer.Ordinal);

    private KnownTypes(Compilation compilation) => _compilation = compilation;

    /// <summary>The table of <paramref name="compilation"/>, built once and shared by every transform that sees it.</summary>
    public static KnownTypes For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new KnownTypes(c));

    // The runtime (Consumers).
    public INamedTypeSymbol? Consumer => Get("Consumers.Consumer");
    public INamedTypeSymbol? ActionAttribute => Get(ActionAttributeName);
    public INamedTypeSymbol? ReceiveAttribute => Get(ReceiveAttributeName);
    public INamedTypeSymbol? GroupEventAttribute => Get(GroupEventAttributeName);
    public INamedTypeSymbol? JsonContextAttribute => Get("Consumers.JsonContextAttribute");
    public INamedTypeSymbol? ConsumerEventAttribute => Get(ConsumerEventAttributeName);
    public INamedTypeSymbol? PushesAttribute => Get("Consumers.PushesAttribute");
    public INamedTypeSymbol? GroupSender => Get("Consumers.IGroupSender");
    public INamedTypeSymbol? EnabledByAttribute => Get("Consumers.EnabledByAttribute");
    public INamedTypeSymbol? ActionResult => Get("Consumers.ActionResult");
    public INamedTypeSymbol? ActionResultOfT => Get("Consumers.ActionResult`1");
    public INamedTypeSymbol? RequestContext => Get("Consumers.RequestContext");
    public INamedTypeSymbol? ModelAction => Get("Consumers.ModelAction");
    public INamedTypeSymbol? ModelObserverAttribute => Get("Consumers.ModelObserverAttribute`1");
    public INamedTypeSymbol? PermissionAttribute => Get("Consumers.Security.PermissionAttribute");
    public INamedTypeSymbol? Permission => Get("Consumers.Security.IPermission");
    public INamedTypeSymbol? ConsumerFilterAttribute => Get("Consumers.ConsumerFilterAttribute");
    public INamedTypeSymbol? ConsumerFilter => Get("Consumers.IConsumerFilter");
    public INamedTypeSymbol? ValidationAttribute => Get("System.ComponentModel.DataAnnotations.ValidationAttribute");
    public INamedTypeSymbol? RequiredAttribute => Get("System.ComponentModel.DataAnnotations.RequiredAttribute");
    public INamedTypeSymbol? ValidatableObject => Get("System.ComponentModel.DataAnnotations.IValidatableObject");
    public INamedTypeSymbol? DisplayAttribute => Get("System.ComponentModel.DataAnnotations.DisplayAttribute");
    public INamedTypeSymbol? DisplayNameAttribute => Get("System.ComponentModel.DisplayNameAttribute");
    public INamedTypeSymbol? ConsumerFactory => Get("Consumers.Dispatch.IConsumerFactory`1");

    // ASP.NET Core.
    public INamedTypeSymbol? AuthorizeAttribute => Get("Microsoft.AspNetCore.Authorization.AuthorizeAttribute");
    public INamedTypeSymbol? AllowAnonymousAttribute => Get("Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute");
    public INamedTypeSymbol? FromServicesAttribute => Get("Microsoft.AspNetCore.Mvc.FromServicesAttribute");

    // System.Text.Json.
    public INamedTypeSymbol? JsonSerializerContext => Get("System.Text.Json.Serialization.JsonSerializerContext");
    public INamedTypeSymbol? JsonSerializableAttribute => Get("System.Text.Json.Serialization.JsonSerializableAttribute");
    public INamedTypeSymbol? JsonSourceGenerationOptionsAttribute => Get("System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
    public INamedTypeSymbol? JsonConverterAttribute => Get("System.Text.Json.Serialization.JsonConverterAttribute");
    public INamedTypeSymbol? JsonStringEnumConverter => Get("System.Text.Json.Serialization.JsonStringEnumConverter");
    public INamedTypeSymbol? JsonStringEnumConverterOfT => Get("System.Text.Json.Serialization.JsonStringEnumConverter`1");
    public INamedTypeSymbol? JsonIgnoreAttribute => Get("System.Text.Json.Serialization.JsonIgnoreAttribute");
    public INamedTypeSymbol? JsonRequiredAttribute => Get("System.Text.Json.Serialization.JsonRequiredAttribute");
    public INamedTypeSymbol? JsonConstructorAttribute => Get("System.Text.Json.Serialization.JsonConstructorAttribute");
    public INamedTypeSymbol? JsonPropertyNameAttribute => Get("System.Text.Json.Serialization.JsonPropertyNameAttribute");
    public INamedTypeSymbol? JsonPolymorphicAttribute => Get("System.Text.Json.Serialization.JsonPolymorphicAttribute");
    public INamedTypeSymbol? JsonDerivedTypeAttribute => Get("System.Text.Json.Serialization.JsonDerivedTypeAttribute");
    public INamedTypeSymbol? JsonElement => Get("System.Text.Json.JsonElement");
    public INamedTypeSymbol? JsonDocument => Get("System.Text.Json.JsonDocument");
    public INamedTypeSymbol? JsonNode => Get("System.Text.Json.Nodes.JsonNode");
    public INamedTypeSymbol? JsonObject => Get("System.Text.Json.Nodes.JsonObject");

    // The base library.
    public INamedTypeSymbol? Task => Get("System.Threading.Tasks.Task");
    public INamedTypeSymbol? TaskOfT => Get("System.Threading.Tasks.Task`1");
    public INamedTypeSymbol? ValueTask => Get("System.Threading.Tasks.ValueTask");
    public INamedTypeSymbol? ValueTaskOfT => Get("System.Threading.Tasks.ValueTask`1");
    public INamedTypeSymbol? AsyncEnumerable => Get("System.Collections.Generic.IAsyncEnumerable`1");
    public INamedTypeSymbol? AsyncEnumerator => Get("System.Collections.Generic.IAsyncEnumerator`1");
    public INamedTypeSymbol? ChannelReader => Get("System.Threading.Channels.ChannelReader`1");
    public INamedTypeSymbol? CancellationToken => Get("System.Threading.CancellationToken");
    public INamedTypeSymbol? ClaimsPrincipal => Get("System.Security.Claims.ClaimsPrincipal");
    public INamedTypeSymbol? Guid => Get("System.Guid");
    public INamedTypeSymbol? DateTimeOffset => Get("System.DateTimeOffset");
    public INamedTypeSymbol? TimeSpan => Get("System.TimeSpan");
    public INamedTypeSymbol? DateOnly => Get("System.DateOnly");
    public INamedTypeSymbol? TimeOnly => Get("System.TimeOnly");
    public INamedTypeSymbol? Uri => Get("System.Uri");
    public INamedTypeSymbol? Version => Get("System.Version");
    public INamedTypeSymbol? Type => Get("System.Type");
    public INamedTypeSymbol? IReadOnlyListOfT => Get("System.Collections.Generic.IReadOnlyList`1");
    public INamedTypeSymbol? IDictionaryOfT => Get("System.Collections.Generic.IDictionary`2");
    public INamedTypeSymbol? IReadOnlyDictionaryOfT => Get("System.Collections.Generic.IReadOnlyDictionary`2");
    public INamedTypeSymbol? DictionaryOfT => Get("System.Collections.Generic.Dictionary`2");

    /// <summary>Whether <paramref name="type"/> (its definition, for a constructed generic) is <paramref name="known"/>; false when <paramref name="known"/> is not referenced.</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
        => type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    /// <summary>Whether <paramref name="type"/> derives, directly or not, from <paramref name="baseType"/>.</summary>
    public static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (var current = type.BaseType; current is not null && baseType is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first attribute of class <paramref name="attribute"/> (or a constructed form of it) on <paramref name="symbol"/>, or null.</summary>
    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
        => attribute is null ? null : symbol.GetAttributes().FirstOrDefault(a => Is(a.AttributeClass, attribute));

    /// <summary>Whether <paramref name="symbol"/> carries an attribute of class <paramref name="attribute"/>.</summary>
    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) => FindAttribute(symbol, attribute) is not null;

    /// <summary>Whether <paramref name="type"/> is declared by the task library (System.Threading.Tasks and its sub-namespaces).</summary>
    public static bool IsTaskLibrary(ITypeSymbol type) => InNamespace(type, TasksNamespace);

    /// <summary>Whether <paramref name="type"/> is a reflection type (System.Reflection and its sub-namespaces).</summary>
    public static bool IsReflection(ITypeSymbol type) => InNamespace(type, ReflectionNamespace);

    /// <summary>Whether <paramref name="type"/> is a collection or System.Text.Json type (by namespace prefix): data, never a service.</summary>
    public static bool IsCollectionOrJson(ITypeSymbol type) => NamespaceStartsWith(type, CollectionsNamespace) || NamespaceStartsWith(type, JsonNamespace);

    /// <summary>Whether <paramref name="type"/> comes from the base library (its namespace starts with System), whose members System.Text.Json does not walk.</summary>
    public static bool IsSystem(ITypeSymbol type) => NamespaceStartsWith(type, "System");

    /// <summary>Whether <paramref name="type"/> is an <c>IAsyncEnumerable&lt;T&gt;</c> (or an array of them): a stream, not one reply.</summary>
    public bool IsAsyncEnumerable(ITypeSymbol type)
    {
        while (type is IArrayTypeSymbol array)
        {
            type = array.ElementType;
        }

        return Is(type, AsyncEnumerable);
    }

    /// <summary>Whether <paramref name="type"/> is <c>Task</c> or <c>ValueTask</c> (not generic, not annotated <c>?</c>): the awaitable returns of a handler.</summary>
    public bool IsTaskOrValueTask(ITypeSymbol type, out string name)
    {
        var plain = type.NullableAnnotation != NullableAnnotation.Annotated;
        name = plain && Is(type, Task) ? "Task"
            : plain && Is(type, ValueTask) ? "ValueTask"
            : "";
        return name.Length > 0;
    }

    /// <summary>Whether <paramref name="type"/> is <c>JsonStringEnumConverter</c> or its generic form.</summary>
    public bool IsStringEnumConverter(ITypeSymbol type) => Is(type, JsonStringEnumConverter) || Is(type, JsonStringEnumConverterOfT);

    /// <summary>Whether the TypeScript view of <paramref name="type"/> is a string (JSON strings that are not C# strings).</summary>
    public bool IsStringLike(ITypeSymbol type)
        => Is(type, Guid) || Is(type, DateTimeOffset) || Is(type, TimeSpan) || Is(type, DateOnly) || Is(type, TimeOnly) || Is(type, Uri) || Is(type, Version);

    /// <summary>Whether <paramref name="type"/> is an untyped JSON value (<c>JsonElement</c>, <c>JsonDocument</c>, <c>JsonNode</c>, <c>JsonObject</c>).</summary>
    public bool IsJsonValue(ITypeSymbol type) => Is(type, JsonElement) || Is(type, JsonDocument) || Is(type, JsonNode) || Is(type, JsonObject);

    /// <summary>Whether <paramref name="type"/> is one of the generic dictionaries whose values System.Text.Json writes as an object.</summary>
    public bool IsDictionary(ITypeSymbol type) => Is(type, IDictionaryOfT) || Is(type, IReadOnlyDictionaryOfT) || Is(type, DictionaryOfT);

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

    private static readonly Primitive s_guid = new("TryReadGuid", "InvalidUuid");
    private static readonly Primitive s_dateTimeOffset = new("TryReadDateTimeOffset", "InvalidDateTime");
    private static readonly Primitive s_jsonElement = new("TryReadJsonElement", "InvalidString");

    // Results whose metadata the runtime's PrimitiveJson carries, by their generated-code (global::) spelling.
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

    /// <summary>The binder's reader for a primitive parameter type, or null when the type is bound from JSON metadata.</summary>
    public Primitive? GetPrimitive(ITypeSymbol type)
    {
        if (s_special.TryGetValue(type.SpecialType, out var primitive))
        {
            return primitive;
        }

        return Is(type, Guid) ? s_guid
            : Is(type, DateTimeOffset) ? s_dateTimeOffset
            : Is(type, JsonElement) ? s_jsonElement
            : null;
    }

    /// <summary>The <c>PrimitiveJson</c> member for a result type, by its fully qualified display, or null.</summary>
    public static string? GetPrimitiveJson(string fullyQualifiedType)
    {
        // Reference nullability does not change the metadata of a string.
        var key = fullyQualifiedType == "string?" ? "string" : fullyQualifiedType;
        return s_primitiveJson.TryGetValue(key, out var member) ? PrimitiveJsonPrefix + member : null;
    }

    /// <summary>Whether a metadata expression of the model is one of the runtime's <c>PrimitiveJson</c> members (not a DTO's).</summary>
    public static bool IsPrimitiveJson(string metadata) => metadata.StartsWith(PrimitiveJsonPrefix, StringComparison.Ordinal);

    /// <summary>The consumer member that supplies a framework parameter (<c>CancellationToken</c>, <c>RequestContext</c>, <c>ClaimsPrincipal</c>).</summary>
    public bool IsFramework(ITypeSymbol type, out string member)
    {
        // 'ClaimsPrincipal? user' is as much the framework's as 'ClaimsPrincipal user': the comparer ignores annotations.
        member = Is(type, CancellationToken) ? "Aborted"
            : Is(type, RequestContext) ? "CreateRequestContext()"
            : Is(type, ClaimsPrincipal) ? "User"
            : "";
        return member.Length > 0;
    }

    // An array is judged by its element type, as its display name starts with the element's.
    private static bool InNamespace(ITypeSymbol type, string name)
    {
        while (type is IArrayTypeSymbol array)
        {
            type = array.ElementType;
        }

        var ns = type.OriginalDefinition.ContainingNamespace?.ToDisplayString() ?? "";
        return ns == name || ns.StartsWith(name + ".", StringComparison.Ordinal);
    }

    private static bool NamespaceStartsWith(ITypeSymbol type, string prefix)
        => type.ContainingNamespace?.ToDisplayString().StartsWith(prefix, StringComparison.Ordinal) == true;

    private INamedTypeSymbol? Get(string metadataName)
    {
        lock (_resolved)
        {
            if (!_resolved.TryGetValue(metadataName, out var symbol))
            {
                symbol = Resolve(metadataName);
                _resolved.Add(metadataName, symbol);
            }

            return symbol;
        }
    }

    // As Roslyn's GetBestTypeByMetadataName: a type defined twice (a polyfill beside the real one) is not ambiguous
    // when one copy is the compilation's own or the only one it can see.
    private INamedTypeSymbol? Resolve(string metadataName)
    {
        if (_compilation.GetTypeByMetadataName(metadataName) is { } unique)
        {
            return unique;
        }

        INamedTypeSymbol? best = null;
        foreach (var candidate in _compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, _compilation.Assembly))
            {
                return candidate;
            }

            if (candidate.DeclaredAccessibility == Accessibility.Public)
            {
                if (best is not null)
                {
                    return null;
                }

                best = candidate;
            }
        }

        return best;
    }
}
