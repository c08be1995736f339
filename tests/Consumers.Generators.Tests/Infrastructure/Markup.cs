using Microsoft.CodeAnalysis.Text;

namespace Consumers.Generators.Tests.Infrastructure;

/// <summary>
/// Source with its expected diagnostic span marked as <c>[|...|]</c> (the Roslyn test convention):
/// <see cref="Source"/> is the text without the markers, <see cref="Span"/> what they enclosed.
/// </summary>
internal sealed record Markup(string Source, TextSpan Span)
{
    public static Markup Parse(string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start || markup.IndexOf("[|", start + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The markup must contain exactly one [|span|].", nameof(markup));
        }

        var source = markup.Remove(end, 2).Remove(start, 2);
        return new Markup(source, TextSpan.FromBounds(start, end - 2));
    }

    /// <summary>The 0-based line and column span of <see cref="Span"/>.</summary>
    public LinePositionSpan LineSpan => SourceText.From(Source).Lines.GetLinePositionSpan(Span);

    /// <summary>The text the markers enclosed.</summary>
    public string Text => Source.Substring(Span.Start, Span.Length);
}
