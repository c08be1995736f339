namespace Consumers.CodeFixes;

/// <summary>The generator's diagnostic IDs this assembly fixes (IDs are fixed forever, see docs/diagnostics).</summary>
internal static class DiagnosticIds
{
    public const string ConsumerMustBePartial = "CONS0001";
    public const string ActionMustNotBeStatic = "CONS0003";
    public const string JsonContextMissing = "CONS0012";
    public const string TypeMissingFromJsonContext = "CONS0013";
    public const string JsonByReflection = "CONS0055";
    public const string ObserverGroupUnknownMember = "CONS0031";
}
