using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Consumers.Generators.Parsing;

/// <summary>
/// The <c>&lt;summary&gt;</c> of a symbol's XML doc comment as one line of plain text (<c>&lt;see cref&gt;</c> as the
/// member's name, <c>&lt;c&gt;</c> as its text), for the descriptions of the AsyncAPI document and the clients.
/// An override without its own summary takes the overridden member's.
/// </summary>
internal static class DocumentationSummary
{
    public static string? Of(ISymbol symbol, CancellationToken cancellationToken)
    {
        for (var current = symbol; current is not null; current = (current as IMethodSymbol)?.OverriddenMethod)
        {
            if (Parse(current.GetDocumentationCommentXml(cancellationToken: cancellationToken)) is { } summary)
            {
                return summary;
            }
        }

        return null;
    }

    private static string? Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        XElement root;
        try
        {
            root = XElement.Parse(xml!, LoadOptions.None);
        }
        catch (XmlException)
        {
            return null;
        }

        var summary = root.Name == "summary" ? root : root.Element("summary");
        if (summary is null)
        {
            return null;
        }

        var text = new StringBuilder();
        Append(text, summary);
        var collapsed = string.Join(" ", text.ToString().Split(new[] { ' ', '\t', '\r', '\n' }, System.StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed;
    }

    private static void Append(StringBuilder text, XElement element)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText value:
                    text.Append(value.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } reference when !reference.Nodes().Any():
                    var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("langword") ?? (string?)reference.Attribute("href") ?? "";
                    var name = target.Substring(target.LastIndexOfAny(new[] { '.', ':' }) + 1);
                    var generic = name.IndexOf('`');
                    text.Append(generic < 0 ? name : name.Substring(0, generic));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    text.Append((string?)reference.Attribute("name"));
                    break;
                case XElement { Name.LocalName: "para" or "list" or "item" or "br" } block:
                    text.Append(' ');
                    Append(text, block);
                    text.Append(' ');
                    break;
                case XElement inline:
                    Append(text, inline);
                    break;
            }
        }
    }
}
