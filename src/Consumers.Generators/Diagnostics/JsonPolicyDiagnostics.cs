using Consumers.Generators.Model;

namespace Consumers.Generators.Diagnostics;

/// <summary>
/// Applies the build's <see cref="JsonPolicy"/> to the parser's diagnostics: a type without source-generated metadata
/// is reported as CONS0012 / CONS0013 (errors; CONS0043 for a [Receive] handler's message) by the parser; where reflection-based JSON is allowed it becomes
/// CONS0055, a warning, and the generated code serializes the type through the reflection resolver.
/// </summary>
internal static class JsonPolicyDiagnostics
{
    public static bool IsMissingMetadata(string id) => id == DiagnosticDescriptors.JsonContextMissing.Id || id == DiagnosticDescriptors.TypeMissingFromJsonContext.Id;

    public static DiagnosticInfo Apply(DiagnosticInfo diagnostic, JsonPolicy policy)
    {
        if (policy.ReflectionAllowed && diagnostic.Id == DiagnosticDescriptors.ReceiveMessageWithoutMetadata.Id && diagnostic.Arguments.Count == 3)
        {
            // CONS0043: (handler, type, fix) of a [Receive] handler's message.
            return DiagnosticInfo.Create(DiagnosticDescriptors.JsonByReflection, diagnostic.Location, diagnostic.Arguments[0], diagnostic.Arguments[1], "the [Receive] handler's message type is in no JsonSerializerContext");
        }

        if (!policy.ReflectionAllowed || !IsMissingMetadata(diagnostic.Id) || diagnostic.Arguments.Count != 3)
        {
            return diagnostic;
        }

        // CONS0012: (action, type, consumer); CONS0013: (action, type, context).
        var why = diagnostic.Id == DiagnosticDescriptors.JsonContextMissing.Id
            ? $"no [JsonContext] on '{diagnostic.Arguments[2]}', its base classes or the assembly"
            : $"'{diagnostic.Arguments[2]}' does not list it";
        return DiagnosticInfo.Create(DiagnosticDescriptors.JsonByReflection, diagnostic.Location, diagnostic.Arguments[0], diagnostic.Arguments[1], why);
    }
}
