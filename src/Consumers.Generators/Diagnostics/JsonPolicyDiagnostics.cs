using System.Collections.Generic;
using Consumers.Generators.Model;

namespace Consumers.Generators.Diagnostics;

/// <summary>
/// Applies the build's <see cref="JsonPolicy"/> to the parser's diagnostics: a type without source-generated metadata
/// is reported as CONS0012 / CONS0013 (errors; CONS0043 for a [Receive] handler's message) by the parser; where reflection-based JSON is allowed it becomes
/// CONS0055, a warning, and the generated code serializes the type through the reflection resolver.
/// </summary>
internal static class JsonPolicyDiagnostics
{
    /// <summary>
    /// <see cref="Apply"/> over every diagnostic of the compilation, with CONS0055 reported once per type (at its first use, in
    /// the order of the consumers' declarations): the warning is about the type, and a DTO used by ten actions is one fix.
    /// The errors (CONS0012, CONS0013) stay on every use, each of which the code fix resolves where it is.
    /// </summary>
    public static IEnumerable<DiagnosticInfo> ApplyAll(IEnumerable<DiagnosticInfo> diagnostics, JsonPolicy policy)
    {
        var reflected = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var diagnostic in diagnostics)
        {
            var applied = Apply(diagnostic, policy);
            if (applied.Id != DiagnosticDescriptors.JsonByReflection.Id || reflected.Add(applied.Arguments[1]))
            {
                yield return applied;
            }
        }
    }

    public static bool IsMissingMetadata(string id) => id == DiagnosticDescriptors.JsonContextMissing.Id || id == DiagnosticDescriptors.TypeMissingFromJsonContext.Id;

    public static DiagnosticInfo Apply(DiagnosticInfo diagnostic, JsonPolicy policy)
    {
        if (policy.ReflectionAllowed && diagnostic.Id == DiagnosticDescriptors.ReceiveMessageWithoutMetadata.Id && diagnostic.Arguments.Count == 3)
        {
            // CONS0043: (handler, type, fix) of a [Receive] handler's message.
            return DiagnosticInfo.Create(DiagnosticDescriptors.JsonByReflection, diagnostic.Location, diagnostic.Arguments[0], diagnostic.Arguments[1], "the [Receive] handler's message type is in no JsonSerializerContext", "");
        }

        if (!policy.ReflectionAllowed || !IsMissingMetadata(diagnostic.Id) || diagnostic.Arguments.Count != 4)
        {
            return diagnostic;
        }

        // CONS0012: (action, type, consumer, hint); CONS0013: (action, type, context, hint); the hint carries over.
        var why = diagnostic.Id == DiagnosticDescriptors.JsonContextMissing.Id
            ? $"no [JsonContext] on '{diagnostic.Arguments[2]}', its base classes or the assembly"
            : $"'{diagnostic.Arguments[2]}' does not list it";
        return DiagnosticInfo.Create(DiagnosticDescriptors.JsonByReflection, diagnostic.Location, diagnostic.Arguments[0], diagnostic.Arguments[1], why, diagnostic.Arguments[3]);
    }
}
