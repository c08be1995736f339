using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Routing;

namespace Consumers.Groups;

/// <summary>Group name templates of <see cref="ConsumerGroupsAttribute"/>: literal text with <c>{routeValue}</c> placeholders.</summary>
internal static class GroupTemplate
{
    /// <summary>Checks a template's shape at mapping time.</summary>
    /// <exception cref="ArgumentException">Unbalanced braces, an empty placeholder, or literal text that is not allowed in group names.</exception>
    public static void Check(string template, string consumer)
    {
        var literal = new StringBuilder();
        foreach (var (text, isPlaceholder) in Split(template, consumer))
        {
            if (isPlaceholder)
            {
                literal.Append('x');
            }
            else
            {
                literal.Append(text);
            }
        }

        if (!GroupName.IsValid(literal.ToString()))
        {
            throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} cannot make a valid group name: use ASCII letters, digits, '-', '_', '.', ':' and {{routeValue}} placeholders.");
        }
    }

    /// <summary>Formats a template from route values.</summary>
    /// <exception cref="InvalidOperationException">A placeholder has no route value (a mapping mistake).</exception>
    /// <exception cref="InvalidGroupValueException">The request's route values make an invalid group name (the client's mistake).</exception>
    public static string Format(string template, RouteValueDictionary routeValues, string consumer)
    {
        var name = new StringBuilder();
        foreach (var (text, isPlaceholder) in Split(template, consumer))
        {
            if (!isPlaceholder)
            {
                name.Append(text);
            }
            else if (routeValues.TryGetValue(text, out var value) && value is not null)
            {
                name.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            }
            else
            {
                throw new InvalidOperationException($"[ConsumerGroups] template \"{template}\" on {consumer} needs the route value \"{text}\", which the endpoint's pattern does not have.");
            }
        }

        var group = name.ToString();
        if (!GroupName.IsValid(group))
        {
            throw new InvalidGroupValueException($"The route values make the group \"{group}\" of [ConsumerGroups(\"{template}\")] on {consumer}, which is not a valid group name: use only ASCII letters, digits, '-', '_', '.' and ':', at most {GroupName.MaxLength} characters.");
        }

        return group;
    }

    // The shared tokenizer's tokens, the first error thrown (structure only: the callers check the characters).
    private static List<(string Text, bool IsPlaceholder)> Split(string template, string consumer)
    {
        var parts = new List<(string, bool)>();
        foreach (var (kind, text) in GroupTemplateTokenizer.Tokenize(template))
        {
            parts.Add(kind switch
            {
                GroupTemplateTokenizer.Kind.Literal => (text, false),
                GroupTemplateTokenizer.Kind.Placeholder => (text, true),
                GroupTemplateTokenizer.Kind.CloseWithoutOpen => throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has a '}}' without '{{'."),
                GroupTemplateTokenizer.Kind.Unclosed => throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has a '{{' that is not closed."),
                GroupTemplateTokenizer.Kind.EmptyOrNested => throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has an empty or nested placeholder."),
                _ => throw new ArgumentException($"[ConsumerGroups] template \"{template}\" on {consumer} has unbalanced braces."),
            });
        }

        return parts;
    }
}
