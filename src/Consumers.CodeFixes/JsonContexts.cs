using System.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.CodeFixes;

/// <summary>How the generator finds a consumer's JSON context and the DTO of an action's type, as the fixes need them.</summary>
internal static class JsonContexts
{
    private const string JsonContextAttribute = "Consumers.JsonContextAttribute";

    /// <summary>The context named by <c>[JsonContext]</c> on the consumer, its nearest base naming one, or the assembly; null when none.</summary>
    public static INamedTypeSymbol? Find(INamedTypeSymbol consumer, Compilation compilation)
    {
        AttributeData? attribute = null;
        for (var type = consumer; type is not null && attribute is null; type = type.BaseType)
        {
            attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == JsonContextAttribute);
        }

        attribute ??= compilation.Assembly.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == JsonContextAttribute);
        return attribute?.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;
    }

    /// <summary>The DTO of a result: Task&lt;T&gt;, ValueTask&lt;T&gt; and ActionResult&lt;T&gt; wrap it; reference nullability is no part of it.</summary>
    public static ITypeSymbol Unwrap(ITypeSymbol type)
    {
        while (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named &&
            named.OriginalDefinition.ToDisplayString() is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>" or "Consumers.ActionResult<T>")
        {
            type = named.TypeArguments[0];
        }

        return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
    }
}
