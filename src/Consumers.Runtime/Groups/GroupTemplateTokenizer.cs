using System.Collections.Generic;

namespace Consumers.Groups;

/// <summary>
/// Splits a group template (<c>room:{roomId}</c>) into literal text and <c>{placeholder}</c> names, written once and
/// compiled into both the runtime (<c>[ConsumerGroups]</c> templates, <c>GroupTemplate</c>) and the generator
/// (<c>[ModelObserver]</c> group templates, linked by Consumers.Generators.csproj). It only finds the structure; each
/// side checks the literal characters (<see cref="GroupNameRules"/>) and words its own errors. It must compile for
/// netstandard2.0 too: no span APIs, no ranges.
/// </summary>
internal static class GroupTemplateTokenizer
{
    /// <summary>What a token is.</summary>
    public enum Kind
    {
        /// <summary>Literal text (never empty); <c>Text</c> is the text.</summary>
        Literal,

        /// <summary>A placeholder; <c>Text</c> is the name between the braces (never empty, no <c>{</c>).</summary>
        Placeholder,

        /// <summary>Error: a <c>}</c> and no <c>{</c> anywhere after the position.</summary>
        CloseWithoutOpen,

        /// <summary>Error: a <c>}</c> comes before the next <c>{</c>.</summary>
        CloseBeforeOpen,

        /// <summary>Error: a <c>{</c> and no <c>}</c> after it.</summary>
        Unclosed,

        /// <summary>Error: <c>{}</c>, or a <c>{</c> inside a placeholder.</summary>
        EmptyOrNested,
    }

    /// <summary>
    /// The tokens of <paramref name="template"/> from left to right. An error stops the tokenizer: it is then the last
    /// token, with empty <c>Text</c>, and the literal before a misplaced brace is not returned (the literal before an
    /// empty or nested placeholder is).
    /// </summary>
    public static List<(Kind Kind, string Text)> Tokenize(string template)
    {
        var tokens = new List<(Kind, string)>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            var close = template.IndexOf('}', position);
            if (open < 0)
            {
                if (close >= 0)
                {
                    tokens.Add((Kind.CloseWithoutOpen, string.Empty));
                    return tokens;
                }

                tokens.Add((Kind.Literal, template.Substring(position)));
                break;
            }

            if (close < open)
            {
                tokens.Add((close < 0 ? Kind.Unclosed : Kind.CloseBeforeOpen, string.Empty));
                return tokens;
            }

            if (open > position)
            {
                tokens.Add((Kind.Literal, template.Substring(position, open - position)));
            }

            var name = template.Substring(open + 1, close - open - 1);
            if (name.Length == 0 || name.IndexOf('{') >= 0)
            {
                tokens.Add((Kind.EmptyOrNested, string.Empty));
                return tokens;
            }

            tokens.Add((Kind.Placeholder, name));
            position = close + 1;
        }

        return tokens;
    }
}
