using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Consumers.Generators.Model;

/// <summary>A source location as plain values, so that models hold no syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    /// <summary>
    /// A location in <paramref name="compilation"/>'s syntax tree of <see cref="FilePath"/>, so that pragmas and
    /// editors see it as source; an external-file location when no tree has that path.
    /// </summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && TextSpan.End <= tree.Length)
            {
                return Location.Create(tree, TextSpan);
            }
        }

        return Location.Create(FilePath, TextSpan, LineSpan);
    }

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());
}
