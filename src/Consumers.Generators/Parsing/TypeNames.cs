using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>The display formats of generated code: <c>global::</c>-qualified, with nullable reference annotations.</summary>
internal static class TypeNames
{
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static readonly SymbolDisplayFormat FullyQualifiedNotNull = SymbolDisplayFormat.FullyQualifiedFormat;

    public static string Of(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    /// <summary>The name without a reference-type <c>?</c>, as used in <c>typeof</c> and <c>JsonTypeInfo&lt;T&gt;</c>.</summary>
    public static string OfNotNull(ITypeSymbol type) => type.ToDisplayString(FullyQualifiedNotNull);
}
