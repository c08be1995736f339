using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>The stable text form of diagnostics that the <c>.verified.txt</c> snapshots hold.</summary>
internal static class DiagnosticText
{
    /// <summary>One line: <c>ID (Severity) file(line,col)-(line,col): message [help]</c>, 1-based positions.</summary>
    public static string Format(Diagnostic diagnostic)
    {
        var where = "(no location)";
        if (diagnostic.Location.IsInSource)
        {
            var span = diagnostic.Location.GetLineSpan();
            where = string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})");
        }

        var help = string.IsNullOrEmpty(diagnostic.Descriptor.HelpLinkUri) ? "" : $" [{diagnostic.Descriptor.HelpLinkUri}]";
        return $"{diagnostic.Id} ({diagnostic.Severity}) {where}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}{help}";
    }

    /// <summary>All diagnostics, ordered by position then ID, one per line, each followed by the offending text.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = diagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => Format(d) + "\n    at: " + Excerpt(d));
        return string.Join("\n", lines) + "\n";
    }

    private static string Excerpt(Diagnostic diagnostic)
        => diagnostic.Location.SourceTree is { } tree
            ? tree.GetText().ToString(diagnostic.Location.SourceSpan).ReplaceLineEndings(" ")
            : "";
}
